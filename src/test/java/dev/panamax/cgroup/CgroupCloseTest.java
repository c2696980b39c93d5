package dev.panamax.cgroup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Cgroup#close()} of a cgroup that a process joined only in part (some hierarchies, as a launch that failed
 * midway leaves it): what is left is killed and every directory removed, without waiting for the busy timeout.
 */
@Tag("cgroup")
class CgroupCloseTest extends CgroupTestBase {

    @Test
    void aProcessInSomeHierarchiesOnlyIsKilledAndTheCgroupRemoved() throws Exception {
        CgroupManager manager = CgroupFixtures.managers().findFirst().orElseThrow();
        Cgroup cgroup = fx.track(manager.create("partial-" + ProcessHandle.current().pid(),
                Resources.builder().pidsMax(20).build()));
        List<Path> dirs = cgroup.paths();
        Process sleeper = fx.gated("sleep 60");
        Path first = dirs.getFirst();
        Files.writeString(first.resolve("cgroup.procs"), Long.toString(sleeper.pid())); // one hierarchy only
        CgroupFixtures.release(sleeper);
        assertTrue(cgroup.pids().contains(sleeper.pid()), "the process joined " + first);
        cgroup.close();
        assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "the process left in the cgroup was killed");
        for (Path dir : dirs) {
            assertFalse(Files.exists(dir), dir + " removed");
        }
    }
}
