package dev.panamax.userns;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rootless containers, end to end: a child JVM runs as an unprivileged user ({@link AsUser}) and launches
 * containers in user + mount + pid + uts + ipc + net namespaces on a rootfs that user owns.
 */
@Tag("kernel")
class RootlessTest {
    private static AsUser user;

    @BeforeAll
    static void user() throws Exception {
        user = AsUser.create();
    }

    @AfterAll
    static void removeUser() throws Exception {
        user.close();
    }

    /** A busybox rootfs owned by the user, with a root-owned mode-600 /etc/secret. */
    private static BusyboxRootfs userRootfs() throws Exception {
        BusyboxRootfs root = BusyboxRootfs.create();
        try {
            user.own(root.path());
            Path secret = root.path().resolve("etc/secret");
            Files.writeString(secret, "root only\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            return root;
        } catch (Exception e) {
            root.close();
            throw e;
        }
    }

    @Test
    void anUnprivilegedUserIsRootInsideAndItselfOutside() throws Exception {
        try (BusyboxRootfs root = userRootfs()) {
            AsUser.Report r = user.probe(Map.of(), "basic", root.path().toString()).ok();
            List<String> out = r.lines("out");
            assertEquals(List.of("0", "0", "box", "1", "secret=denied", "ready"), out, r.raw());
            String u = Long.toString(user.uid());
            assertEquals(List.of("Uid: " + u + " " + u + " " + u + " " + u), r.lines("host").subList(0, 1), r.raw());
            Path made = root.path().resolve("tmp/made-inside");
            assertEquals(user.uid(), (int) Files.getAttribute(made, "unix:uid"), "owner of a file the container made");
            assertEquals(user.gid(), (int) Files.getAttribute(made, "unix:gid"));
            assertNull(r.error());
        }
    }

    @Test
    void anUnprivilegedUserExecsIntoItsContainerAsRootInsideAndItselfOutside() throws Exception {
        try (BusyboxRootfs root = userRootfs()) {
            AsUser.Report r = user.probe(Map.of(), "exec", root.path().toString()).ok();
            assertEquals(List.of("0", "0", "the-containers-user-namespace", "box"), r.lines("out"), r.raw());
            assertEquals(List.of("exited with code 0"), r.lines("exit"), r.raw());
            String u = Long.toString(user.uid());
            assertEquals(List.of("Uid: " + u + " " + u + " " + u + " " + u), r.lines("host"), r.raw());
            assertNull(r.error());
        }
    }

    /**
     * Rootless networking through Panamax's own launch: pasta for the container's namespace, a host server on
     * the loopback reached through the gateway, a published port answering on the host's loopback, no pasta
     * left. This host's /dev/net/tun is mode 0600 (usual distributions have 0666): the probe JVM runs in a
     * private mount namespace with a 0666 tun node bound over it, so the host's node is never changed.
     */
    @Test
    void anUnprivilegedUsersContainerGetsUserModeNetworkingWithAPublishedPort() throws Exception {
        Path dir = Files.createTempDirectory("panamax-tun");
        try (BusyboxRootfs root = userRootfs()) {
            Path tun = dir.resolve("tun");
            Process mknod = new ProcessBuilder("mknod", "-m", "666", tun.toString(), "c", "10", "200").start();
            assertEquals(0, mknod.waitFor(), "mknod of a tun node");
            int published;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                published = s.getLocalPort();
            }
            AsUser.Report r = user.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                            "mount --bind \"$0\" /dev/net/tun && exec \"$@\"", tun.toString()), RootlessProbe.class,
                    Map.of(), "pasta", root.path().toString(), Integer.toString(published)).ok();
            assertTrue(r.lines("out").stream().anyMatch(l -> l.startsWith("host-says=hello-from-host")), "the container reached the host's loopback"
                    + " server through pasta's gateway: " + r.raw());
            assertEquals(List.of("published=hello-from-container", "helpers=0"), r.lines("host"), r.raw());
            assertNull(r.error());
        } finally {
            BusyboxRootfs.deleteTree(dir);
        }
    }

    @Test
    void severalRangesGoThroughNewuidmapAndTheProcessRunsAsAMappedUser() throws Exception {
        try (BusyboxRootfs root = userRootfs(); SubIdFiles sub = SubIdFiles.allot(AsUser.NAME, 200000, 65536)) {
            AsUser.Report r = user.probe(Map.of(), "multi", root.path().toString(), "200000").ok();
            List<String> out = r.lines("out").stream().map(l -> l.strip().replaceAll("\\s+", " ")).toList();
            assertEquals(List.of("0 " + user.uid() + " 1", "1 200000 65536", "0 " + user.gid() + " 1", "1 200000 65536",
                    "1000", "1000", "ready"), out, r.raw());
            assertEquals("Uid: 200999 200999 200999 200999", r.lines("host").get(0), r.raw());
            assertEquals("Gid: 200999 200999 200999 200999", r.lines("host").get(1), r.raw());
            Path made = root.path().resolve("tmp/by-1000");
            assertEquals(200999, (int) Files.getAttribute(made, "unix:uid"));
            assertEquals(200999, (int) Files.getAttribute(made, "unix:gid"));
        }
    }

    @Test
    void aRangeOutsideTheAllotmentIsRefusedNamingFileAndAllotment() throws Exception {
        try (BusyboxRootfs root = userRootfs(); SubIdFiles sub = SubIdFiles.allot(AsUser.NAME, 200000, 1000)) {
            AsUser.Report r = user.probe(Map.of(), "multi", root.path().toString(), "200000");
            assertTrue(r.error() != null && r.error().contains("uid range 200000-265535 is not in " + AsUser.NAME
                    + "'s allotment in /etc/subuid (200000-200999)"), r.raw());
            assertEquals(List.of("children=0"), r.lines("host"), r.raw());
        }
    }

    @Test
    void aMissingNewuidmapIsNamedWithItsPackage() throws Exception {
        try (BusyboxRootfs root = userRootfs(); SubIdFiles sub = SubIdFiles.allot(AsUser.NAME, 200000, 65536)) {
            AsUser.Report r = user.probe(Map.of("PATH", "/nonexistent"), "multi", root.path().toString(), "200000");
            assertTrue(r.error() != null && r.error().contains("newuidmap is not installed (apt-get install uidmap)"),
                    r.raw());
        }
    }

    @Test
    void aHelperFailingAfterCloneKillsAndReapsTheChild() throws Exception {
        try (BusyboxRootfs root = userRootfs(); SubIdFiles sub = SubIdFiles.allot(AsUser.NAME, 200000, 65536)) {
            AsUser.Report r = user.probe(Map.of(), "-Ddev.panamax.newuidmap=/bin/false", "multi",
                    root.path().toString(), "200000");
            assertTrue(r.error() != null && r.error().contains("USER_MAPPINGS: write the uid map with /bin/false ")
                    && r.error().contains("exit status 1"), r.raw());
            assertEquals(List.of("children=0"), r.lines("host"), r.raw());
        }
    }

    @Test
    void theSameSpecLooksTheSameInsideAsRootAndAsTheUser() throws Exception {
        try (BusyboxRootfs mine = userRootfs(); BusyboxRootfs roots = BusyboxRootfs.create()) {
            AsUser.Report asUser = user.probe(Map.of(), "same", mine.path().toString()).ok();
            Run asRoot = Run.of(RootlessProbe.sameView(roots.path())).ok();
            assertEquals(asRoot.stdout().lines().toList(), asUser.lines("out"), asUser.raw());
            List<String> seen = asUser.lines("out");
            assertEquals(List.of("box", "1", "/ ext4", "/proc proc", "/dev tmpfs"), seen.subList(0, 5), asUser.raw());
            assertTrue(seen.contains("/dev/pts devpts") && seen.contains("/proc/sys proc"), asUser.raw());
            assertEquals("0", seen.getLast(), asUser.raw());
        }
    }

    @Test
    void supplementaryGroupsNeedSetgroupsWhichAnOwnGidMapDenies() throws Exception {
        try (BusyboxRootfs root = userRootfs()) {
            AsUser.Report r = user.probe(Map.of(), "groups", root.path().toString());
            assertTrue(r.error() != null && r.error().contains("supplementary groups [0] need setgroups, which the"
                    + " kernel denies to an unprivileged caller that maps only its own gid"), r.raw());
        }
    }
}
