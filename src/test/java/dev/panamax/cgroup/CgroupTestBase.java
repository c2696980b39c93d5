package dev.panamax.cgroup;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.util.Set;

/**
 * Base of the tests that create real cgroups: {@code fx} closes this test's cgroups and processes after
 * each test, and the class fails if any {@code panamax*} cgroup it did not find at the start is left.
 *
 * <pre>{@code
 * class MyTest extends CgroupTestBase {
 *     @Test void limit() { Cgroup cg = fx.track(...); ... }
 * }
 * }</pre>
 */
abstract class CgroupTestBase {
    private static Set<Path> before;

    protected final CgroupFixtures fx = new CgroupFixtures();

    @BeforeAll
    static void snapshotCgroups() {
        before = CgroupFixtures.panamaxCgroups();
    }

    @AfterAll
    static void nothingLeft() {
        CgroupFixtures.assertNoLeftovers(before);
    }

    @AfterEach
    void cleanUp() {
        fx.cleanUp();
    }
}
