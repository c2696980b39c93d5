package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static dev.panamax.RunToCompletionTest.container;
import static dev.panamax.RunToCompletionTest.processesWith;
import static dev.panamax.RunToCompletionTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Launcher#run} of containers with a cgroup: OOM kills, the cgroup's accounting, a kill without a PID namespace. */
@Tag("cgroup")
class RunToCompletionCgroupTest extends BusyboxTest {

    @AfterAll
    static void noCgroupLeft() throws IOException {
        assertEquals(List.of(), ChildJvm.containerCgroupsLeftHere(), "no container cgroup may remain");
    }

    @Test
    void aProgramOverItsMemoryLimitEndsOomKilled() {
        Resources r = Resources.builder().memoryMax(DataSize.ofMegabytes(16)).swapMax(DataSize.ofBytes(0)).build();
        // the shell doubles a string until the limit stops it
        RunResult result = run(container("x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done").resources(r),
                RunOptions.builder().timeout(Duration.ofSeconds(60)));
        assertEquals(RunResult.Ending.OOM_KILLED, result.ending(), result.toString());
        assertEquals(RunResult.Accounting.CGROUP, result.memoryAccounting());
        assertTrue(result.memoryPeak() > 8L << 20 && result.memoryPeak() <= 16L << 20, result.toString());
    }

    @Test
    void withACgroupCpuTimeIsTheCgroupsUsage() {
        Resources r = Resources.builder().memoryMax(DataSize.ofMegabytes(64)).pidsMax(20).build();
        RunResult result = run(container("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done").resources(r),
                RunOptions.builder());
        assertEquals(RunResult.Ending.EXITED, result.ending(), result.toString());
        assertEquals(RunResult.Accounting.CGROUP, result.cpuAccounting());
        assertTrue(result.cpuTime().toMillis() >= 50, result.toString());
    }

    @Test
    void aTimeoutWithoutAPidNamespaceKillsTheWholeCgroup() throws Exception {
        String marker = "1000.1" + ProcessHandle.current().pid();
        Resources r = Resources.builder().pidsMax(20).build();
        // setsid: a child that left the session and the process group is still the cgroup's
        RunResult result = run(container("setsid sleep " + marker + " & sleep " + marker).resources(r)
                .namespaces(Namespace.MOUNT), RunOptions.builder().timeout(Duration.ofMillis(300)));
        assertEquals(RunResult.Ending.TIMED_OUT, result.ending(), result.toString());
        assertEquals(List.of(), processesWith(marker), "no sleep survives the timeout");
        assertEquals(List.of(), ChildJvm.containerCgroupsLeftHere(), "the container's cgroup is removed");
    }
}
