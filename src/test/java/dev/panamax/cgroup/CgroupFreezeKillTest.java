package dev.panamax.cgroup;

import static dev.panamax.cgroup.CgroupFixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Freeze, thaw, kill-all and removal, with every driver this host has: the default one, and on a hybrid host also
 * v1 alone (freezer.state, the freeze-and-SIGKILL loop) and v2 alone (cgroup.freeze, cgroup.kill).
 */
@Tag("cgroup")
class CgroupFreezeKillTest extends CgroupTestBase {


    @TempDir
    Path tmp;


    static Stream<CgroupManager> managers() {
        return CgroupFixtures.managers();
    }

    private Cgroup create(CgroupManager m, String test) {
        return fx.track(m.create("panamax-" + test + "-" + UUID.randomUUID(), Resources.NONE));
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{index}: parent {0}")
    @MethodSource("managers")
    void freezeStopsProgressAndThawResumesIt(CgroupManager m) throws Exception {
        Cgroup cg = create(m, "freeze");
        Path ticks = tmp.resolve("ticks");
        fx.startIn(cg, "while :; do echo x >> " + ticks + "; sleep 0.02; done");
        await(() -> size(ticks) > 10, Duration.ofSeconds(10), "the ticker ticks");
        cg.freeze();
        assertTrue(cg.frozen());
        long frozenAt = size(ticks);
        Thread.sleep(500);
        assertEquals(frozenAt, size(ticks), "a frozen ticker must not advance");
        cg.thaw();
        assertFalse(cg.frozen());
        await(() -> size(ticks) > frozenAt + 10, Duration.ofSeconds(10), "the thawed ticker advances again");
    }

    @ParameterizedTest(name = "{index}: parent {0}")
    @MethodSource("managers")
    void killAllKillsGrandchildrenThatLeftTheProcessGroup(CgroupManager m) throws Exception {
        Cgroup cg = create(m, "kill");
        Path pidFile = tmp.resolve("daemon.pid");
        // the daemon runs in its own session; killing the shell or its process group would miss it
        fx.startIn(cg, "setsid sh -c 'sleep 1000 & echo $! > " + pidFile + "; wait' & wait");
        await(() -> size(pidFile) > 0, Duration.ofSeconds(10), "the daemon wrote its pid");
        long daemon = Long.parseLong(CgroupFixtures.read(pidFile));
        assertTrue(cg.pids().contains(daemon), "the daemon is in the cgroup: " + cg.pids());
        cg.killAll();
        assertEquals(List.of(), cg.pids());
        await(() -> ProcessHandle.of(daemon).map(h -> !h.isAlive()).orElse(true), Duration.ofSeconds(5),
                "the daemon " + daemon + " is dead");
    }

    @ParameterizedTest(name = "{index}: parent {0}")
    @MethodSource("managers")
    void closeKillsLeftoversAndRemovesTheCgroupEverywhere(CgroupManager m) throws Exception {
        Cgroup cg = create(m, "close");
        fx.startIn(cg, "sleep 1000 & sleep 1000");
        await(() -> cg.pids().size() == 3, Duration.ofSeconds(10), "shell and two sleeps are in the cgroup");
        List<Path> paths = cg.paths();
        assertFalse(paths.isEmpty());
        cg.close();
        for (Path p : paths) {
            assertFalse(Files.exists(p), p + " must be removed");
        }
        cg.close(); // idempotent
    }

    @ParameterizedTest(name = "{index}: parent {0}")
    @MethodSource("managers")
    void frozenCgroupCanStillBeKilledAndRemoved(CgroupManager m) throws Exception {
        Cgroup cg = create(m, "frozen-close");
        fx.startIn(cg, "exec sleep 1000");
        await(() -> cg.pids().size() == 1, Duration.ofSeconds(10), "the sleep is in the cgroup");
        cg.freeze();
        List<Path> paths = cg.paths();
        cg.close();
        paths.forEach(p -> assertFalse(Files.exists(p), p + " must be removed"));
    }
}
