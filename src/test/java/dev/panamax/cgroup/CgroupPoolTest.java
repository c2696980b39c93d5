package dev.panamax.cgroup;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Container cgroups made ahead: limits already written, named for the orphan sweep, removed on demand and at exit. */
@Tag("cgroup")
class CgroupPoolTest extends CgroupTestBase {

    @Test
    void aLaunchTakesACgroupMadeAheadWithItsLimitsWritten() throws Exception {
        CgroupManager m = CgroupFixtures.testManager(new CgroupManager(CgroupLayout.detect(), "/panamax-test-pool", true));
        Resources r = Resources.builder().pidsMax(7).build();
        Cgroup first = fx.track(m.createContainer(r)); // none ready yet: made now, and two ahead in the background
        Path parent = first.path("pids").orElseThrow().getParent();
        CgroupFixtures.await(() -> ready(parent, first).size() == CgroupPool.SIZE, Duration.ofSeconds(10),
                "two cgroups are made ahead");
        List<Path> ready = ready(parent, first);
        for (Path dir : ready) {
            assertTrue(dir.getFileName().toString().matches("c" + ProcessHandle.current().pid() + "-\\d+"), dir.toString());
            assertEquals("7", CgroupFixtures.read(dir.resolve("pids.max")));
        }
        Cgroup taken = fx.track(m.createContainer(r));
        assertTrue(ready.contains(taken.path("pids").orElseThrow()), "the launch took a ready one: " + taken);
        assertEquals(0, taken.pidsMaxEvents());
        Cgroup other = fx.track(m.createContainer(Resources.builder().pidsMax(9).build()));
        assertEquals("9", CgroupFixtures.read(other.path("pids").orElseThrow().resolve("pids.max")), "other limits: made now");

        m.removeReadyCgroups();
        Path takenDir = taken.path("pids").orElseThrow();
        assertEquals(List.of(), ready(parent, first, taken, other), "the ready ones are gone");
        assertTrue(Files.isDirectory(takenDir), "the taken one stays until it is closed");
        assertNotEquals(first.name(), taken.name());
    }

    /** Container-named cgroups under {@code parent} other than {@code in use}. */
    private static List<Path> ready(Path parent, Cgroup... inUse) {
        List<Path> used = Stream.of(inUse).map(c -> c.path("pids").orElseThrow()).toList();
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(p -> p.getFileName().toString().matches("c\\d+-\\d+")).filter(p -> !used.contains(p))
                    .sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
