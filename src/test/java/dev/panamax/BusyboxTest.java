package dev.panamax;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the tests that launch containers on the busybox fixture: one rootfs per test class, deleted
 * after the class, also when a test fails.
 *
 * <pre>{@code
 * class MyTest extends BusyboxTest {
 *     @Test void hostname() { Run.of(ContainerSpec.builder().rootfs(root.path()).command("hostname")).ok(); }
 * }
 * }</pre>
 */
public abstract class BusyboxTest {
    protected static BusyboxRootfs root;

    /** Public, as its twin below: JUnit then needs no deep reflection into this package (a subclass in another
     * package run alone opens only its own). */
    @BeforeAll
    public static void createBusyboxRootfs() {
        root = BusyboxRootfs.create();
    }

    @AfterAll
    public static void deleteBusyboxRootfs() {
        if (root != null) {
            root.close();
            root = null;
        }
    }
}
