package dev.panamax;

import dev.panamax.cgroup.CgroupStats;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Containers launched with resources: the cgroup is joined before exec, used by the handle, removed at close. */
@Tag("cgroup")
class ContainerCgroupTest extends BusyboxTest {

    @AfterAll
    static void noCgroupLeft() throws IOException {
        assertEquals(List.of(), containerCgroups(), "no container cgroup may remain");
    }

    /** Container cgroups (named c<jvm pid>-<n>) of this JVM left anywhere under /sys/fs/cgroup (not the ready ones). */
    static List<Path> containerCgroups() throws IOException {
        return ChildJvm.containerCgroupsLeftHere();
    }

    private static ContainerSpec.Builder container(String script, Resources resources) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script).resources(resources);
    }

    @Test
    void theProcessRunsInItsCgroupFromTheStart() throws Exception {
        Resources r = Resources.builder().memoryMax(DataSize.ofMegabytes(64)).pidsMax(50).build();
        try (Container c = Launcher.launch(container("sleep 30", r).build())) {
            String cgroups = Files.readString(Path.of("/proc/" + c.pid() + "/cgroup"));
            // the hierarchies it needs, v1 (memory, pids) and v2 alike, name it; v1 ones without a limit need not
            String own = "/panamax/c" + ProcessHandle.current().pid() + "-";
            assertTrue(cgroups.lines().filter(l -> l.matches("\\d+:(|.*\\b(memory|pids)\\b.*):.*"))
                    .allMatch(l -> l.contains(own)), cgroups);
            assertTrue(cgroups.lines().anyMatch(l -> l.contains(own)), cgroups);
            CgroupStats stats = c.stats();
            assertTrue(stats.memoryCurrent().orElseThrow() > 0);
            assertEquals(1, stats.pidsCurrent().orElseThrow());
        }
        assertEquals(List.of(), containerCgroups());
    }

    @Test
    void aMemoryLimitEndsInAnOomKillTheStatusReports() throws Exception {
        Resources r = Resources.builder().memoryMax(DataSize.ofMegabytes(16)).swapMax(DataSize.ofBytes(0)).build();
        // the shell doubles a string until the limit stops it
        Run run = Run.of(container("x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done", r));
        assertEquals(9, run.status().signal(), run.toString());
        assertTrue(run.status().oomKilled(), run.status().toString());
        assertTrue(run.status().toString().endsWith("killed by the OOM killer"));
    }

    @Test
    void freezeStopsProgressAndThawResumesIt() throws Exception {
        Resources r = Resources.builder().cpu(CpuLimit.cores(1.0)).pidsMax(20).build();
        try (Container c = Launcher.launch(container("while true; do :; done", r).build())) {
            Thread.sleep(200);
            c.freeze();
            long frozen = c.stats().cpuUsageNanos().orElseThrow();
            Thread.sleep(300);
            assertEquals(frozen, c.stats().cpuUsageNanos().orElseThrow(), "no CPU used while frozen");
            c.thaw();
            Thread.sleep(300);
            long thawed = c.stats().cpuUsageNanos().orElseThrow();
            assertTrue(thawed > frozen + 50_000_000L, "at least 50 ms of CPU in 300 ms after thaw: " + (thawed - frozen));
        }
    }

    @Test
    void killAllKillsGrandchildrenThatLeftTheSession() throws Exception {
        Resources r = Resources.builder().cpu(CpuLimit.cores(0.5)).pidsMax(50).build();
        try (Container c = Launcher.launch(container("setsid sh -c 'sleep 1000 & sleep 1000; true' & sleep 1000; true", r)
                .namespaces(dev.panamax.sys.Namespace.MOUNT).build())) {
            long pids = 0;
            for (int i = 0; i < 100 && pids < 5; i++) {
                Thread.sleep(30);
                pids = c.stats().pidsCurrent().orElseThrow();
            }
            assertEquals(5, pids, "sh, its sleep, the setsid shell and its two sleeps");
            c.killAll();
            ExitStatus s = c.waitFor(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(9, s.signal());
        }
        assertEquals(List.of(), containerCgroups());
    }

    @Test
    void statsWithoutResourcesIsAClearError() throws Exception {
        try (Container c = Launcher.launch(ContainerSpec.builder().rootfs(root.path()).command("true").build())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, c::stats);
            assertTrue(e.getMessage().contains("has no cgroup"), e.getMessage());
            c.waitFor();
        }
    }
}
