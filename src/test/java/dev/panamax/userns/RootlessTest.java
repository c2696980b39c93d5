package dev.panamax.userns;

import dev.panamax.BusyboxRootfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
}
