package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.sys.Namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static dev.panamax.program.Hint.Cause.*;

/**
 * The hints of the launcher's own {@code clone3} (or {@code clone}), the first call a rootless user sees fail.
 * Its causes are settings of the machine, so they are read when the call has failed, not when the spec is
 * compiled: the namespace limits ({@code /proc/sys/user/max_*_namespaces}), the distributions' switches for
 * unprivileged user namespaces, and whether the JVM runs under a seccomp filter (Docker's default profile
 * denies namespaces to {@code clone}). Each hint names the setting that is actually in the way.
 */
public final class CloneHints {
    private CloneHints() {
    }

    /** Debian's switch (and older Ubuntu's): 0 refuses user namespaces to unprivileged users. */
    static final String DEBIAN = "kernel.unprivileged_userns_clone";
    /** Ubuntu's (23.10 and later): 1 lets only AppArmor profiles with {@code userns,} create them. */
    static final String UBUNTU = "kernel.apparmor_restrict_unprivileged_userns";

    /**
     * The hints for a failed {@code call} ({@code "clone3"} or {@code "clone"}) of {@code spec}'s launch, from
     * this machine's settings as they are now.
     *
     * @param spec the spec whose launch failed
     * @param call the system call that failed
     * @return the call's own hints, in the order they are tried
     */
    public static List<Hint> refused(ContainerSpec spec, String call) {
        return refused(spec, call, Host.current().root(), CloneHints::readProc);
    }

    /**
     * As {@link #refused(ContainerSpec, String)}, with the machine given: {@code proc} reads a {@code /proc}
     * file's first line (empty if it does not exist).
     */
    static List<Hint> refused(ContainerSpec spec, String call, boolean root,
                              Function<String, Optional<String>> proc) {
        List<Hint> out = new ArrayList<>(4);
        out.add(namespacesRefused(spec, call));
        out.add(NAMESPACE_LIMIT.hint(namespaceLimit(spec, proc)));
        Optional<Hint> seccomp = seccompFilter(proc)
                ? Optional.of(CLONE_DENIED_BY_SECCOMP.hint("the JVM runs under a seccomp filter (\"Seccomp: 2\" in"
                + " /proc/self/status) that may deny new namespaces, as Docker's default profile does without"
                + " CAP_SYS_ADMIN: run the JVM's container with --cap-add SYS_ADMIN, or a seccomp profile that"
                + " allows " + call + " with namespace flags"))
                : Optional.empty();
        boolean restricted = is(proc, DEBIAN, "0") || is(proc, UBUNTU, "1");
        if (spec.namespaces().contains(Namespace.USER) && !root && (restricted || seccomp.isEmpty())) {
            out.add(USER_NAMESPACES_RESTRICTED.hint(userNamespacesRestricted(proc)));
        }
        seccomp.ifPresent(out::add);
        return List.copyOf(out);
    }

    private static Hint namespacesRefused(ContainerSpec spec, String call) {
        Hint refused = Hints.namespacesRefused(spec);
        return spec.namespaces().contains(Namespace.TIME) && call.equals("clone")
                ? NAMESPACES_REFUSED.hint(refused.text() + "; a time namespace needs clone3, which this JVM is"
                + " refused (ENOSYS)")
                : refused;
    }

    /** ENOSPC: the limits at 0 by name, else every limit the spec's namespaces count against. */
    private static String namespaceLimit(ContainerSpec spec, Function<String, Optional<String>> proc) {
        List<String> zero = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (Namespace ns : spec.namespaces()) {
            String name = "user.max_" + ns.procName() + "_namespaces";
            all.add(name);
            if (is(proc, name, "0")) {
                zero.add(name);
            }
        }
        if (!zero.isEmpty()) {
            String first = zero.getFirst();
            return String.join(" and ", zero) + (zero.size() == 1 ? " is" : " are") + " 0 on this machine (in the"
                    + " JVM's user namespace or one above it): no such namespace can be made; raise it, for"
                    + " example sysctl -w " + first + "=10000";
        }
        return "a limit on namespaces is reached: " + String.join(", ", all) + " (counted per user, in the JVM's"
                + " user namespace and each above it), or pid namespaces are nested 32 deep";
    }

    /** EPERM for a user namespace: the switch that is set, else both of them. */
    private static String userNamespacesRestricted(Function<String, Optional<String>> proc) {
        if (is(proc, DEBIAN, "0")) {
            return DEBIAN + " is 0 on this machine: unprivileged users may not create user namespaces; allow"
                    + " them with sysctl -w " + DEBIAN + "=1";
        }
        if (is(proc, UBUNTU, "1")) {
            return UBUNTU + " is 1 on this machine: only programs with an AppArmor profile that allows userns"
                    + " may create user namespaces; give the java binary such a profile, or sysctl -w " + UBUNTU
                    + "=0";
        }
        return "unprivileged user namespaces may be disabled on this machine: " + DEBIAN + " (Debian) must be 1,"
                + " " + UBUNTU + " (Ubuntu) 0, where they exist";
    }

    private static boolean seccompFilter(Function<String, Optional<String>> proc) {
        return proc.apply("/proc/self/status#Seccomp").map(v -> v.equals("2")).orElse(false);
    }

    /** Whether the sysctl {@code name} ({@code kernel.x}) exists and reads {@code value}. */
    private static boolean is(Function<String, Optional<String>> proc, String name, String value) {
        return proc.apply("/proc/sys/" + name.replace('.', '/')).map(v -> v.equals(value)).orElse(false);
    }

    /**
     * The first line of a {@code /proc} file, stripped; {@code FILE#Field} reads the value of the line
     * {@code Field:} instead. Empty if there is no such file or line.
     */
    static Optional<String> readProc(String what) {
        int hash = what.indexOf('#');
        Path file = Path.of(hash < 0 ? what : what.substring(0, hash));
        try {
            // readAllLines: Files.readString may return a short first read of a sysctl file
            List<String> lines = Files.readAllLines(file);
            if (hash < 0) {
                return lines.isEmpty() ? Optional.empty() : Optional.of(lines.getFirst().strip());
            }
            String field = what.substring(hash + 1) + ":";
            return lines.stream().filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> l.substring(field.length()).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
