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
        Process jvm = ChildJvm.start(MemoryLimitProbe.class, root.path().toString(), "20");
        String output;
        try {
            output = new String(jvm.getInputStream().readAllBytes());
            assertTrue(jvm.waitFor(5, TimeUnit.MINUTES), "the probe JVM finished");
        } finally {
            jvm.destroyForcibly();
        }
        assertEquals(0, jvm.exitValue(), "exit 137 means the kernel killed the launching JVM:\n" + output);
        assertTrue(output.contains("JVM survived"), output);
        assertEquals(MemoryLimitProbe.LIMITS.length, output.lines().filter(l -> l.startsWith("limit ")).count(), output);
        assertEquals(List.of(), ChildJvm.containerCgroupsOf(jvm.pid()), "the probe JVM's container cgroups were removed");
    }

    @Test
    void execsIntoAContainerAtItsMemoryLimitNeverKillTheJvm() throws Exception {
        Process jvm = ChildJvm.start(MemoryLimitProbe.class, root.path().toString(), "10", "exec");
        String output;
        try {
            output = new String(jvm.getInputStream().readAllBytes());
            assertTrue(jvm.waitFor(5, TimeUnit.MINUTES), "the probe JVM finished");
        } finally {
            jvm.destroyForcibly();
        }
        assertEquals(0, jvm.exitValue(), "exit 137 means the kernel killed the launching JVM:\n" + output);
        assertTrue(output.contains("JVM survived"), output);
        assertEquals(MemoryLimitProbe.EXEC_LIMITS.length, output.lines().filter(l -> l.startsWith("exec limit ")
                && l.contains(" B: ")).count(), output);
        assertEquals(List.of(), ChildJvm.containerCgroupsOf(jvm.pid()), "the probe JVM's container cgroups were removed");
    }
}
