package dev.panamax.sys.internal;

import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * Whether this JVM lets Panamax make native calls, asked before a plan or a launch (building a spec needs
 * none): with {@code --illegal-native-access=deny} and no {@code --enable-native-access} for Panamax, the
 * bindings cannot even be loaded, and the JDK's own error would name no flag.
 *
 * <pre>{@code
 * NativeAccess.require();   // IllegalCallerException: "Panamax needs native access, which this JVM denies: add
 *                           //   --enable-native-access=ALL-UNNAMED to the java command (Panamax is on the class path)"
 * }</pre>
 */
public final class NativeAccess {
    private NativeAccess() {}

    /** The refusal, found once per JVM; empty when native access is granted or only warned about. */
    private static final class Probe {
        static final Optional<String> REFUSAL = probe();
    }

    /**
     * Returns when Panamax may make native calls (granted, or allowed with the JDK's warning).
     *
     * @throws IllegalCallerException when this JVM denies it, with one sentence naming the flag to add:
     *         {@code --enable-native-access=dev.panamax} on the module path, {@code =ALL-UNNAMED} on the
     *         class path
     */
    public static void require() {
        Probe.REFUSAL.ifPresent(message -> {
            throw new IllegalCallerException(message);
        });
    }

    @SuppressWarnings("restricted")
    private static Optional<String> probe() {
        Module module = NativeAccess.class.getModule();
        if (module.isNativeAccessEnabled()) {
            return Optional.empty();
        }
        try {
            ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_BYTE); // restricted: what the bindings' loading does
            return Optional.empty();
        } catch (IllegalCallerException e) {
            return Optional.of(refusal(module));
        }
    }

    /** The sentence for a JVM that denies native access to {@code module}. */
    static String refusal(Module module) {
        return "Panamax needs native access, which this JVM denies: add --enable-native-access="
                + (module.isNamed() ? module.getName() + " to the java command (Panamax is on the module path)"
                        : "ALL-UNNAMED to the java command (Panamax is on the class path)");
    }
}
