package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A container's process starts with every signal at {@code SIG_DFL}: none of the JVM's handlers and none of
 * the signals the JVM ignores, even one it began to ignore after it started (execve would keep {@code SIG_IGN}).
 */
@Tag("kernel")
class SignalDispositionTest extends BusyboxTest {
    private static final String SHOW = "grep -E '^Sig(Ign|Cgt):' /proc/self/status";
    private static final String DEFAULT = "SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n";

    private static ContainerSpec.Builder container() {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", "exec " + SHOW);
    }

    private static final int SIGUSR1 = 10; // one the JVM leaves at SIG_DFL
    private static final MethodHandle SIGNAL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("signal").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private static void setDisposition(long handler) throws Throwable {
        MemorySegment unused = (MemorySegment) SIGNAL.invokeExact(SIGUSR1, MemorySegment.ofAddress(handler));
    }

    @Test
    void noHandlerAndNoIgnoredSignalReachTheContainer() throws Throwable {
        assertEquals(DEFAULT, Run.of(container()).ok().stdout());
        setDisposition(1); // SIG_IGN, after the JVM started
        try {
            assertEquals(DEFAULT, Run.of(container()).ok().stdout());
            assertEquals(DEFAULT, Run.of(container().init(true)).ok().stdout(), "the init's child too");
        } finally {
            setDisposition(0); // SIG_DFL
        }
    }
}
