package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container's memory limit can never take the launching JVM down: the setup child runs in an address
 * space of its own before it joins the cgroup, so the OOM killer's victim shares no memory with the JVM.
 * (Before the setup executable, a 64 KiB limit killed the JVM with SIGKILL on every launch.)
 */
@Tag("cgroup")
class MemoryLimitTest extends BusyboxTest {

    @Test
    void tinyMemoryLimitsNeverKillTheJvmAndLeaveNothingBehind() throws Exception {
        String output = survivingProbe("20");
        assertEquals(MemoryLimitProbe.LIMITS.length, output.lines().filter(l -> l.startsWith("limit ")).count(), output);
    }

    @Test
    void execsIntoAContainerAtItsMemoryLimitNeverKillTheJvm() throws Exception {
        String output = survivingProbe("10", "exec");
        assertEquals(MemoryLimitProbe.EXEC_LIMITS.length, output.lines().filter(l -> l.startsWith("exec limit ")
                && l.contains(" B: ")).count(), output);
    }

    /** Runs {@link MemoryLimitProbe} with {@code args} in a child JVM; its output, once it exited 0 leaving no cgroup. */
    private static String survivingProbe(String... args) throws Exception {
        java.util.List<String> all = new java.util.ArrayList<>(List.of(root.path().toString()));
        all.addAll(List.of(args));
        Process jvm = ChildJvm.start(MemoryLimitProbe.class, all.toArray(String[]::new));
        String output;
        try {
            output = new String(jvm.getInputStream().readAllBytes());
            assertTrue(jvm.waitFor(5, TimeUnit.MINUTES), "the probe JVM finished");
        } finally {
            jvm.destroyForcibly();
        }
        assertEquals(0, jvm.exitValue(), "exit 137 means the kernel killed the launching JVM:\n" + output);
        assertTrue(output.contains("JVM survived"), output);
        assertEquals(List.of(), ChildJvm.containerCgroupsOf(jvm.pid()), "the probe JVM's container cgroups were removed");
        return output;
    }
}
