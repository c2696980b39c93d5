package dev.panamax.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.mount.Mount;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Overlapping launches on one rootfs: a launch that fails removes the mount points it made, but never one that
 * another launch of the JVM stands on (removing a directory detaches the mounts on it in every namespace).
 */
@Tag("kernel")
class MountPointsTest {

    private static ContainerSpec spec(Path rootfs, String... command) {
        return ContainerSpec.builder().rootfs(rootfs).mount(Mount.tmpfs("/fresh")).command(command).build();
    }

    @Test
    void aFailedLaunchLeavesTheMountPointOfALaunchThatOverlappedIt() throws Exception {
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            Path fresh = root.path().resolve("fresh");
            ContainerSpec spec = spec(root.path(), "/bin/sh", "-c", "sleep 1; grep -q ' /fresh tmpfs' /proc/mounts");
            MountPoints failing = MountPoints.before(spec); // two launches noted /fresh missing, then another started
            MountPoints late = MountPoints.before(spec);
            try (Container other = Launcher.launch(spec)) {
                assertTrue(Files.isDirectory(fresh), "the other launch made its mount point");
                failing.removeAfterFailure(); // the first launch fails while the other runs
                assertTrue(Files.isDirectory(fresh), "a mount point another launch stands on stays");
                assertEquals(0, other.waitFor().code(), "the other container kept its mount on /fresh");
            }
            late.removeAfterFailure(); // the second fails after the other one ended

            assertTrue(Files.isDirectory(fresh), "a mount point a launch succeeded with stays for the JVM's life");
        }
    }

    @Test
    void aFailedLaunchAloneRemovesTheMountPointItMade() throws Exception {
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            Path lonely = root.path().resolve("lonely");
            ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).mount(Mount.tmpfs("/lonely/deeper"))
                    .command("/no/such/program").build();
            org.junit.jupiter.api.Assertions.assertThrows(dev.panamax.LaunchException.class, () -> Launcher.launch(spec));
            assertFalse(Files.exists(lonely), "the failed launch removed the directories it made");
        }
    }
}
