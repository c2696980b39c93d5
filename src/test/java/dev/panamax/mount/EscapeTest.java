package dev.panamax.mount;

import dev.panamax.BusyboxRootfs;
import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.Run;
import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A malicious rootfs whose symlinks point at the host: no mount may land outside the rootfs. */
@Tag("kernel")
class EscapeTest {
    private BusyboxRootfs root;
    private Path hostDir;
    private Path source;

    @BeforeEach
    void setUp() throws Exception {
        root = BusyboxRootfs.create();
        hostDir = Files.createTempDirectory("panamax-host-dir-");
        Files.writeString(hostDir.resolve("precious"), "host data\n");
        source = Files.createTempDirectory("panamax-src-");
        Files.writeString(source.resolve("payload"), "payload\n");
    }

    @AfterEach
    void tearDown() {
        root.close();
        BusyboxRootfs.deleteTree(hostDir);
        BusyboxRootfs.deleteTree(source);
    }

    private void assertHostUntouched(String mountsBefore) throws Exception {
        try (Stream<Path> s = Files.list(hostDir)) {
            assertEquals(1, s.count(), "nothing new in the host dir");
        }
        assertEquals("host data\n", Files.readString(hostDir.resolve("precious")));
        assertEquals(mountsBefore, Box.hostMounts(), "no mount on the host");
    }

    private LaunchException launchFails(ContainerSpec.Builder spec) {
        return assertThrows(LaunchException.class, () -> Run.of(spec.command("true")));
    }

    @Test
    void targetThatIsAnAbsoluteSymlinkToTheHostFailsClearly() throws Exception {
        String before = Box.hostMounts();
        Files.createSymbolicLink(root.path().resolve("data"), hostDir);
        LaunchException e = launchFails(ContainerSpec.builder().rootfs(root.path())
                .mount(Mount.bind(source, "/data")));
        assertEquals("ELOOP", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().contains("open the mount target /data (never a symlink)"), e.getMessage());
        assertTrue(e.getMessage().contains("Hint: /data is a symbolic link in the rootfs; a mount never lands on a link"),
                e.getMessage());
        assertHostUntouched(before);
    }

    @Test
    void targetThatIsARelativeSymlinkOutOfTheRootFailsClearly() throws Exception {
        String before = Box.hostMounts();
        Files.createSymbolicLink(root.path().resolve("data"), Path.of("../../../../../.." + hostDir));
        LaunchException e = launchFails(ContainerSpec.builder().rootfs(root.path()).mount(Mount.tmpfs("/data")));
        assertEquals("ELOOP", e.errnoName(), e.getMessage());
        assertHostUntouched(before);
    }

    @Test
    void symlinkedParentDirectoriesResolveInsideTheRootfs() throws Exception {
        String before = Box.hostMounts();
        Files.createSymbolicLink(root.path().resolve("abs"), hostDir);
        Files.createSymbolicLink(root.path().resolve("rel"), Path.of("../../../../../.." + hostDir));
        // inside the rootfs both links lead to this directory (a missing one would fail with ENOENT)
        Files.createDirectories(root.path().resolve(hostDir.toString().substring(1)));
        Run r = Box.run(ContainerSpec.builder().rootfs(root.path())
                .mount(Mount.bind(source, "/abs/a")).mount(Mount.bind(source, "/rel/b")),
                "cat /abs/a/payload /rel/b/payload " + hostDir + "/a/payload").ok();
        assertEquals("payload\npayload\npayload\n", r.stdout());
        assertTrue(Files.isDirectory(root.path().resolve(hostDir.toString().substring(1)).resolve("a")),
                "the mount point was created inside the rootfs");
        assertHostUntouched(before);
    }

    @Test
    void procThatIsASymlinkFailsInsteadOfMountingElsewhere() throws Exception {
        String before = Box.hostMounts();
        Files.delete(root.path().resolve("proc"));
        Files.createSymbolicLink(root.path().resolve("proc"), Path.of("../../.."));
        LaunchException e = launchFails(ContainerSpec.builder().rootfs(root.path()));
        assertEquals("ELOOP", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().contains("/proc"), e.getMessage());
        assertEquals(before, Box.hostMounts());
    }

    @Test
    void dotDotInATargetIsRejected() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Mount.tmpfs("/data/../../etc"));
        assertEquals("mount.target", e.field());
        assertTrue(e.getMessage().contains("'..'"), e.getMessage());
    }

    @Test
    void aSymlinkSwappedInWhileLaunchingNeverRedirectsTheMount() throws Exception {
        String before = Box.hostMounts();
        Path data = root.path().resolve("data");
        Path swap = root.path().resolve("data.swap");
        AtomicBoolean stop = new AtomicBoolean();
        Thread racer = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    Files.deleteIfExists(swap);
                    Files.createSymbolicLink(swap, hostDir);
                    Files.move(swap, data, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.delete(data);
                    Files.createDirectory(data);
                    Thread.onSpinWait();
                    Files.delete(data);
                } catch (java.io.IOException busyOrGone) {
                    // a container holds it as a mount point, or it is mid-swap: go on racing
                }
            }
        });
        int ok = 0;
        int detached = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 100; i++) {
                try {
                    // Where did the bind land? mountinfo inside lists every mount of the source by its mount
                    // point: a redirected mount would sit in the container's private namespace, invisible from
                    // the host, but not from here. The racer may also delete /data on the host after the mount:
                    // the kernel then detaches the mount (a mount point unlinked from another namespace), and
                    // the source is mounted nowhere. Both are safe; a mount anywhere but /data is the escape.
                    Run r = Run.of(ContainerSpec.builder().rootfs(root.path()).mount(Mount.bind(source, "/data"))
                            .command("sh", "-c", "grep '" + source.getFileName() + "' /proc/self/mountinfo"
                                    + " | cut -d' ' -f5; cat /data/payload; true"));
                    List<String> at = r.stdout().lines().filter(l -> !l.equals("payload")).toList();
                    assertTrue(at.stream().allMatch("/data"::equals), "the bind is mounted at " + at + ": " + r);
                    if (at.isEmpty()) {
                        detached++;
                    } else {
                        assertTrue(r.stdout().contains("payload\n"), "mounted at /data, so the payload is there: " + r);
                        ok++;
                    }
                } catch (LaunchException e) {
                    refused++;
                    assertTrue(e.syscall().equals("openat2") || e.syscall().equals("mkdirat")
                            || e.syscall().equals("move_mount"), e.getMessage());
                }
            }
        } finally {
            stop.set(true);
            racer.join();
        }
        System.out.println("race: " + ok + " launches saw the payload, " + detached + " lost the mount to the"
                + " racer's unlink, " + refused + " were refused");
        assertEquals(100, ok + detached + refused);
        assertTrue(ok > 0, "the race left no launch through: the test exercised nothing");
        assertHostUntouched(before);
    }
}
