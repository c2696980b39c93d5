package dev.panamax.image;

import dev.panamax.ContainerImage;
import dev.panamax.ProcessIdentity;
import dev.panamax.sys.BeneathDirectory;
import dev.panamax.userns.AsUser;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Image#root()} of the store's own unpacker: the layers hold character-device whiteouts, as root with
 * {@code trusted.overlay.opaque} (userXattr false), as an unprivileged user with {@code user.overlay.opaque}
 * (userXattr true); the {@code User} is resolved through either form.
 */
@Tag("kernel")
class ImageRootKernelTest {
    private static final String PASSWD = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
    private static final String GROUP = "root:x:0:\napp:x:1000:\nstaff:x:50:app\n";

    private Path base;

    @BeforeEach
    void makeBase() throws IOException {
        base = Files.createTempDirectory("pmx-imgroot-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        Trees.delete(base);
    }

    private static byte[] accounts() throws IOException {
        return new TarBuilder().dir("etc", 0755).file("etc/passwd", 0644, PASSWD).file("etc/group", 0644, GROUP).tar();
    }

    /** Deletes /etc/group: the User's supplementary groups go with it. */
    private static byte[] groupDeleted() throws IOException {
        return new TarBuilder().dir("etc", 0755).file("etc/.wh.group", 0644, "").tar();
    }

    /** An opaque /etc with a passwd of its own: the lower /etc/group is hidden. */
    private static byte[] opaqueEtc() throws IOException {
        return new TarBuilder().dir("etc", 0755).file("etc/.wh..wh..opq", 0644, "")
                .file("etc/passwd", 0644, "app:x:2000:2001::/:/bin/sh\n").tar();
    }

    private static Optional<ProcessIdentity> id(long uid, long gid) {
        return Optional.of(new ProcessIdentity(uid, gid, List.of()));
    }

    @Test
    void asRootTheLayersHoldDeviceWhiteoutsAndTrustedOpaqueAndTheUserIsResolvedThroughThem() throws IOException {
        ImageStore store = ImageStore.open(base.resolve("store"));
        store.importLayout(HandImage.layout(base.resolve("deleted"), "1", "{\"User\":\"app\"}", accounts(),
                groupDeleted()), "pmx/deleted:1");
        store.importLayout(HandImage.layout(base.resolve("opaque"), "1", "{\"User\":\"app\"}", accounts(),
                opaqueEtc()), "pmx/opaque:1");

        Image deleted = store.image(ImageReference.parse("pmx/deleted:1"));
        assertTrue(Trees.isWhiteout(deleted.layers().get(1).resolve("etc/group")), "a character device 0:0");
        ContainerImage root = deleted.root();
        assertFalse(root.userXattr());
        assertEquals(id(1000, 1000), root.user(), "staff (in the deleted /etc/group) lists app: not a group now");

        Image opaque = store.image(ImageReference.parse("pmx/opaque:1"));
        try (BeneathDirectory etc = BeneathDirectory.open(opaque.layers().get(1).resolve("etc"))) {
            assertArrayEquals(new byte[] {'y'}, etc.getXattr(".", "trusted.overlay.opaque", 16).orElseThrow());
        }
        assertEquals(id(2000, 2001), opaque.root().user());
        assertFalse(opaque.root().userXattr());
    }

    @Test
    void aLayerUnpackedBeforeFormsWereRecordedIsJudgedByItsDirectorysOwner() throws IOException {
        ImageStore store = ImageStore.open(base.resolve("store"));
        Digest layer = store.putBlob(accounts());
        Path dir = store.unpackLayer(layer);
        assertFalse(store.unpackedRootless(layer), "recorded: unpacked as root");
        Files.delete(store.root().resolve("forms").resolve(layer.hex()));
        assertFalse(store.unpackedRootless(layer), "no record, owned by root: root's form");
        Files.setAttribute(dir, "unix:uid", 1234);
        assertTrue(store.unpackedRootless(layer), "no record, owned by another user: the rootless form");
        IOException e = assertThrows(IOException.class, () -> store.unpackedRootless(Digest.of(new byte[1])));
        assertEquals("layer " + Digest.of(new byte[1]) + ": not unpacked", e.getMessage());
    }

    @Test
    void anUnprivilegedUsersStoreGivesUserXattrAndResolvesTheUserThroughItsWhiteouts() throws Exception {
        Path deleted = HandImage.layout(base.resolve("deleted"), "1", "{\"User\":\"app\"}", accounts(),
                groupDeleted());
        Path opaque = HandImage.layout(base.resolve("opaque"), "1", "{\"User\":\"app\"}", accounts(), opaqueEtc());
        Files.setAttribute(base, "unix:mode", 0755);
        List<Path> jars = Fixtures.imageJars(Files.createDirectory(base.resolve("jars")));
        Path store = Files.createDirectory(base.resolve("store"));
        try (AsUser user = AsUser.create()) {
            user.own(base);
            AsUser.Report one = user.run(List.of(), jars, ImageRootProbe.class, Map.of(), store.toString(),
                    deleted.toString(), "pmx/deleted:1");
            assertEquals(List.of("true " + id(1000, 1000)), one.lines("out"), one.raw());
            AsUser.Report two = user.run(List.of(), jars, ImageRootProbe.class, Map.of(), store.toString(),
                    opaque.toString(), "pmx/opaque:1");
            assertEquals(List.of("true " + id(2000, 2001)), two.lines("out"), two.raw());
        }
        for (Path form : Fixtures.names(store.resolve("forms")).stream().map(store.resolve("forms")::resolve)
                .toList()) {
            assertEquals("rootless\n", Files.readString(form), form.toString());
        }
        assertEquals(Fixtures.names(store.resolve("layers")), Fixtures.names(store.resolve("forms")),
                "each layer has its form");
    }
}
