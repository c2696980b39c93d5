package dev.panamax;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Base of the pure tests of specs and plans: {@code rootfs} is an empty directory, enough for {@code build()}
 * and {@link Launcher#plan}, which never look into it. Such a test launches nothing and needs neither root nor
 * busybox (see {@code ArchitectureTest.pureTestsLaunchNothing}).
 *
 * <pre>{@code
 * class MyPlanTest extends PlanTest {
 *     @Test void plan() { Launcher.plan(ContainerSpec.builder().rootfs(rootfs).command("true").build()); }
 * }
 * }</pre>
 */
public abstract class PlanTest {
    /** An empty directory for the specs' rootfs, removed after the class. */
    @TempDir
    protected static Path rootfs;
}
