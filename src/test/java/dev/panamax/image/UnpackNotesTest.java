package dev.panamax.image;

import dev.panamax.userns.AsUser;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notes of a rootless unpack reach the caller of the store: an unprivileged user ({@link AsUser}) imports an
 * image whose layer holds a device node with the store's own unpacker, and {@code Image.unpackNotes()} names the
 * node skipped. Tagged {@code kernel}: it runs a JVM as another user (root makes the user).
 */
@Tag("kernel")
class UnpackNotesTest {
    private Path base;

    @BeforeEach
    void makeBase() throws Exception {
        base = Files.createTempDirectory("pmx-notes-");
        Files.setAttribute(base, "unix:mode", 0755); // the user reads the layout and writes its store
    }

    @AfterEach
    void cleanUp() throws Exception {
        Trees.delete(base);
    }

    @Test
    void anUnprivilegedImportOfALayerWithADeviceNodeDeliversItsNote() throws Exception {
        byte[] devices = new TarBuilder().dir("dev", 0755).device("dev/null", TarConstants.LF_CHR, 1, 3, 0666)
                .file("dev/kept", 0644, "a file").tar();
        Path layout = HandImage.layout(base.resolve("layout"), "1.0", "{}", devices);
        Path store = Files.createDirectory(base.resolve("store"));
        List<Path> jars = Fixtures.imageJars(Files.createDirectory(base.resolve("jars")));
        Fixtures.run("chmod", "-R", "a+rX", layout.toString(), base.resolve("jars").toString());
        try (AsUser user = AsUser.create()) {
            user.own(store);
            AsUser.Report r = user.run(List.of(), jars, UnpackNotesProbe.class, Map.of(), store.toString(),
                    layout.toString(), "app:1.0");
            assertEquals(List.of(), r.lines("error"), r.raw());
            String hex = Digest.of(devices).hex();
            assertTrue(r.lines("note").contains(hex + " skipped device node dev/null (1:3): rootless"), r.raw());
            Path layer = store.resolve("layers").resolve(hex);
            assertTrue(Files.isRegularFile(layer.resolve("dev/kept")), "the layer is unpacked");
            assertFalse(Files.exists(layer.resolve("dev/null"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.readString(store.resolve("notes").resolve(hex)).contains("skipped device node dev/null"),
                    "recorded with the layer");
        }
    }
}
