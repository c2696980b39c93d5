package dev.panamax.mount;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.Run;
import dev.panamax.Stdio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ephemeral overlay root, read-only root, masked and read-only paths. */
@Tag("kernel")
class RootAndMaskTest {
    private BusyboxRootfs image;
    private Path keep;

    @BeforeEach
    void setUp() throws IOException {
        image = BusyboxRootfs.create();
        keep = Files.createTempDirectory("panamax-keep-");
    }

    @AfterEach
    void tearDown() {
        image.close();
        BusyboxRootfs.deleteTree(keep);
    }

    /** A digest of every name, type, mode, link target and content in the tree. */
    static String treeHash(Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                md.update(dir.relativize(p).toString().getBytes());
                md.update(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS).toString().getBytes());
                if (Files.isSymbolicLink(p)) {
                    md.update(Files.readSymbolicLink(p).toString().getBytes());
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    md.update(Files.readAllBytes(p));
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static long tempLayers() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("panamax-root-")).count();
        }
    }

    @Test
    void ephemeralRootWritesVanishAndTheImageStaysByteForByte() throws Exception {
        String hash = treeHash(image.path());
        long layers = tempLayers();
        String mounts = Box.hostMounts();
        Run r = Box.run(ContainerSpec.builder().ephemeralRoot(image.path()),
                "echo inside > /etc/written && rm /bin/vi && cat /etc/written && ls /bin/vi");
        assertTrue(r.stdout().startsWith("inside\n"), r.stdout());
        assertTrue(r.stdout().contains("No such file"), "the deletion is visible inside: " + r.stdout());
        assertFalse(Files.exists(image.path().resolve("etc/written")));
        assertEquals(hash, treeHash(image.path()), "the image is unchanged");
        assertEquals(layers, tempLayers(), "the upper layer was deleted at close");
        assertEquals(mounts, Box.hostMounts());
    }

    @Test
    void twoContainersOnOneImageDoNotSeeEachOther() throws Exception {
        ContainerSpec a = ContainerSpec.builder().ephemeralRoot(image.path())
                .command("sh", "-c", "echo a > /mine; read x; ls /mine /theirs").stdin(Stdio.pipe())
                .stdout(Stdio.pipe()).stderr(Stdio.pipe()).build();
        try (Container first = Launcher.launch(a)) {
            Run second = Box.run(ContainerSpec.builder().ephemeralRoot(image.path()),
                    "echo b > /theirs; sleep 0.2; ls /mine /theirs");
            first.stdin().write('\n');
            first.stdin().close();
            String firstOut = new String(first.stdout().readAllBytes()) + new String(first.stderr().readAllBytes());
            first.waitFor(Duration.ofSeconds(20)).orElseThrow();
            assertTrue(second.stdout().contains("/mine: No such file"), second.stdout());
            assertTrue(firstOut.contains("/theirs: No such file"), firstOut);
        }
    }

    @Test
    void keptUpperDirHoldsTheWrites() throws Exception {
        Box.run(ContainerSpec.builder().ephemeralRoot(image.path()).keepUpperDir(keep), "echo kept > /root/k").ok();
        assertEquals("kept\n", Files.readString(keep.resolve("upper/root/k")));
        assertEquals("kept\n", Box.run(ContainerSpec.builder().ephemeralRoot(image.path()).keepUpperDir(keep),
                "cat /root/k").ok().stdout());
    }

    @Test
    void readOnlyRootRefusesWritesButTmpfsStaysWritable() {
        Run r = Box.run(ContainerSpec.builder().rootfs(image.path()).readOnlyRoot(true).mount(Mount.tmpfs("/tmp")),
                "echo x > /etc/x; echo y > /tmp/y && cat /tmp/y; echo z > /dev/shm/z && cat /dev/shm/z");
        assertTrue(r.stdout().contains("can't create /etc/x: Read-only file system"), r.stdout());
        assertTrue(r.stdout().contains("y\nz\n"), r.stdout());
        assertFalse(Files.exists(image.path().resolve("etc/x")));
    }

    @Test
    void maskedAndReadOnlyPaths() throws Exception {
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname"));
        Run r = Box.run(ContainerSpec.builder().rootfs(image.path()).mount(Mount.sysfs()),
                "echo kcore=$(cat /proc/kcore 2>/dev/null | wc -c); echo keys=$(cat /proc/keys | wc -c);"
                        + " echo acpi=$(ls /proc/acpi | wc -l); echo fw=$(ls /sys/firmware | wc -l);"
                        + " echo evil > /proc/sys/kernel/hostname; echo rc=$?; cat /proc/sys/kernel/hostname");
        String out = r.stdout();
        assertTrue(out.contains("kcore=0\n"), out);
        assertTrue(out.contains("keys=0\n"), out);
        assertTrue(out.contains("acpi=0\n"), out);
        assertTrue(out.contains("fw=0\n"), out);
        assertTrue(out.contains("Read-only file system"), out);
        assertFalse(out.contains("rc=0"), out);
        assertEquals(hostname, Files.readString(Path.of("/proc/sys/kernel/hostname")));
    }

    @Test
    void masksCanBeTurnedOff() {
        Run r = Box.run(ContainerSpec.builder().rootfs(image.path()).maskedPaths(List.of()).readOnlyPaths(List.of()),
                "echo keys=$(cat /proc/keys | wc -c); grep -c /proc/ /proc/self/mountinfo; true").ok();
        assertFalse(r.stdout().contains("keys=0\n"), r.stdout());
        assertTrue(r.stdout().endsWith("0\n"), "no submount of /proc: " + r.stdout());
    }
}
