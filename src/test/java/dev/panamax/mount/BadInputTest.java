package dev.panamax.mount;

import dev.panamax.Container;
import dev.panamax.Launcher;
import dev.panamax.LaunchException;
import dev.panamax.BusyboxRootfs;
import dev.panamax.ContainerSpec;
import dev.panamax.cgroup.DataSize;
import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad mount is refused with the field and the rule, before anything is created. */
@Tag("kernel")
class BadInputTest {
    private BusyboxRootfs root;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        root = BusyboxRootfs.create();
        dir = Files.createTempDirectory("panamax-bad-");
    }

    @AfterEach
    void tearDown() {
        root.close();
        BusyboxRootfs.deleteTree(dir);
    }

    private static void refused(String field, String text, Executable what) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, what);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void relativeTarget() {
        refused("mount.target", "must be an absolute path in the container, got \"data\"", () -> Mount.tmpfs("data"));
        refused("mount.target", "must not be /", () -> Mount.tmpfs("/"));
    }

    @Test
    void missingSource() {
        Mount missing = Mount.bind(Path.of("/no/such/dir"), "/data"); // the host is looked at in build()
        refused("mount.source", "no such file or directory on the host: /no/such/dir",
                () -> ContainerSpec.builder().rootfs(root.path()).mount(missing).command("true").build());
    }

    @Test
    void overlayWithoutUpperOrWork() {
        refused("mount.upper", "needs both an upper and a work directory",
                () -> Mount.overlay(List.of(dir), null, dir, "/o"));
        refused("mount.work", "needs both an upper and a work directory",
                () -> Mount.overlay(List.of(dir), dir, null, "/o"));
    }

    @Test
    void tmpfsWithABadSize() {
        refused("mount.size", "must be at least 1 byte", () -> Mount.tmpfs("/t").withSize(DataSize.ofBytes(0)));
        refused("mount.size", "must not be negative", () -> Mount.tmpfs("/t").withSizeBytes(-1));
        refused("mount.mode", "mode must be in 0..07777", () -> Mount.tmpfs("/t").withMode(010000));
    }

    @Test
    void conflictingMounts() {
        refused("mounts", "conflicting mounts on /data", () -> ContainerSpec.builder().rootfs(root.path())
                .mount(Mount.tmpfs("/data")).mount(Mount.bind(dir, "/data/")).command("true").build());
        refused("mounts", "conflicting mounts on /dev", () -> ContainerSpec.builder().rootfs(root.path())
                .minimalDev(true).mount(Mount.tmpfs("/dev")).command("true").build());
    }

    @Test
    void conflictingAtimeOptions() {
        refused("mount.options", "exclude each other",
                () -> Mount.tmpfs("/t").withOptions(MountOption.NOATIME, MountOption.STRICTATIME));
    }

    @Test
    void settingsThatNeedSomethingElse() {
        refused("readOnlyRoot", "needs a rootfs",
                () -> ContainerSpec.builder().readOnlyRoot(true).command("true").build());
        refused("mounts", "needs a cgroup namespace", () -> ContainerSpec.builder().rootfs(root.path())
                .mount(Mount.cgroupView()).command("true").build());
        refused("keepUpperDir", "applies to an ephemeral root only", () -> ContainerSpec.builder()
                .rootfs(root.path()).keepUpperDir(dir).command("true").build());
        refused("maskedPaths[0]", "must be an absolute path", () -> ContainerSpec.builder().rootfs(root.path())
                .maskedPaths(List.of("proc/kcore")).command("true").build());
    }

    @Test
    void aFailedLaunchRemovesTheMountPointsItMadeInTheRootfs() throws Exception {
        ContainerSpec failing = ContainerSpec.builder().rootfs(root.path()).command("/no/such/program")
                .mount(Mount.tmpfs("/deep/a/b/c")).mount(Mount.tmpfs("/tmp/x/y")).build();
        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(failing));
        assertEquals("execve", e.syscall(), "the mounts were made, the exec failed: " + e.getMessage());
        assertTrue(Files.notExists(root.path().resolve("deep")), "no /deep left in the user's rootfs");
        assertTrue(Files.notExists(root.path().resolve("tmp/x")), "no /tmp/x left; /tmp itself was there before");
        assertTrue(Files.isDirectory(root.path().resolve("tmp")));
        // a successful launch keeps them, as runc does: the container's mounts stand on them
        ContainerSpec ok = ContainerSpec.builder().rootfs(root.path()).command("true")
                .mount(Mount.tmpfs("/deep/a/b/c")).build();
        try (Container c = Launcher.launch(ok)) {
            assertEquals(0, c.waitFor().code());
        }
        assertTrue(Files.isDirectory(root.path().resolve("deep/a/b/c")));
    }
}
