package dev.panamax.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real images into the store: an OCI layout made by umoci, the {@code docker-archive} and {@code oci-archive} tars
 * skopeo makes of it; corrupt and unknown content refused by name; two JVMs importing at once. Tagged
 * {@code kernel} with the tests that need the machine: umoci, skopeo and busybox-static are packages
 * ({@code .ci/deps}), which the pure tests may not assume.
 */
@org.junit.jupiter.api.Tag("kernel")
class ImageImportTest {
    @TempDir
    Path dir;

    private ImageStore store() throws IOException {
        return ImageStore.open(dir.resolve("store"));
    }

    /** The image has busybox's files and umoci's config. */
    private static void assertBusybox(ImageStore store, ImageRecord image) throws IOException {
        ImageConfig config = store.config(image);
        assertEquals(List.of("/bin/sh"), config.cmd());
        assertEquals(List.of("PATH=/bin"), config.env());
        assertEquals("/srv", config.workingDir());
        assertEquals(Map.of("pmx.test", "yes"), config.labels());
        assertEquals(Platform.parse("linux/amd64").os(), config.platform().os());
        List<Path> layers = store.layers(image);
        assertEquals(1, layers.size());
        assertEquals(config.diffIds().size(), layers.size());
        assertEquals(Files.size(Path.of("/usr/bin/busybox")), Files.size(layers.get(0).resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(layers.get(0).resolve("bin/sh")));
    }

    @Test
    void anOciLayoutImageIsStoredWithItsConfigAndUnpackedLayer() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        ImageStore store = store();
        ImageRecord image = store.importLayout(layout, "pmx/app:1.0");
        assertEquals("docker.io/pmx/app:1.0", image.reference().toString());
        assertEquals(List.of(image), store.list());
        assertBusybox(store, image);
        // umoci left its first manifest and config in the layout: only what the image references is copied
        assertEquals(3, Fixtures.names(store.root().resolve("blobs/sha256")).size());
        assertTrue(Fixtures.names(layout.resolve("blobs/sha256")).size() > 3);

        assertEquals(image, store.importLayout(layout, "pmx/app:1.0"), "the same image again");
        assertEquals(List.of(image), store.list());
    }

    @Test
    void aNameTheLayoutDoesNotHaveIsRefusedNamingTheNamesItHas() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        IOException e = assertThrows(IOException.class, () -> store().importLayout(layout, "pmx/app:2.0"));
        assertEquals("OCI layout " + layout + ": no image named 'pmx/app:2.0' in index.json; it has 1.0",
                e.getMessage());
        IOException notLayout = assertThrows(IOException.class, () -> store().importLayout(dir, "app"));
        assertEquals("OCI layout " + dir + ": no oci-layout file (not an OCI image layout)", notLayout.getMessage());
    }

    @Test
    void aCorruptLayerBlobIsRefusedAndNothingLooksImported() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        ImageManifest manifest = ImageManifest.parse(Files.readAllBytes(layout.resolve("blobs/sha256").resolve(
                ImageIndex.parse(Files.readAllBytes(layout.resolve("index.json"))).manifests().get(0).digest().hex())));
        Path layer = layout.resolve("blobs/sha256").resolve(manifest.layers().get(0).digest().hex());
        byte[] bytes = Files.readAllBytes(layer);
        bytes[bytes.length / 2] ^= 1;
        Files.write(layer, bytes);
        ImageStore store = store();
        IOException e = assertThrows(IOException.class, () -> store.importLayout(layout, "pmx/app:1.0"));
        assertTrue(e.getMessage().startsWith("blob " + manifest.layers().get(0).digest() + ": its content has digest"),
                e.getMessage());
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), Fixtures.names(store.root().resolve("layers")));
        assertFalse(Files.exists(store.blobPath(manifest.layers().get(0).digest())));
    }

    @Test
    void aPlatformTheLayoutDoesNotOfferIsRefusedNamingWhatItOffers() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        // wrap the image in an index, as a multi-platform image's layout has it
        Path indexJson = layout.resolve("index.json");
        ImageIndex top = ImageIndex.parse(Files.readAllBytes(indexJson));
        Descriptor manifest = top.manifests().get(0);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + manifest.mediaType() + "\",\"digest\":\"" + manifest.digest() + "\",\"size\":"
                + manifest.size() + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        byte[] indexBytes = index.getBytes(StandardCharsets.UTF_8);
        Digest indexDigest = Digest.of(indexBytes);
        Files.write(layout.resolve("blobs/sha256").resolve(indexDigest.hex()), indexBytes);
        Files.writeString(indexJson, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaTypes.OCI_INDEX
                + "\",\"digest\":\"" + indexDigest + "\",\"size\":" + indexBytes.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"multi\"}}]}");
        ImageStore store = store();
        IOException e = assertThrows(IOException.class,
                () -> store.importLayout(layout, "pmx/app:multi", Platform.parse("linux/riscv64")));
        assertEquals("OCI layout " + layout + ": index: no manifest for platform linux/riscv64; it offers linux/amd64",
                e.getMessage());
        ImageRecord image = store.importLayout(layout, "pmx/app:multi", Platform.parse("linux/amd64"));
        assertEquals(manifest.digest(), image.manifest());
    }

    @Test
    void aDockerSaveTarIsImportedUnderItsRepoTags() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        Path tar = dir.resolve("docker.tar");
        Fixtures.skopeoCopy(layout, "1.0", "docker-archive:" + tar + ":pmx/app:1");
        ImageStore store = store();
        List<ImageRecord> images = store.importArchive(tar);
        assertEquals(1, images.size());
        assertEquals("docker.io/pmx/app:1", images.get(0).reference().toString());
        assertEquals(MediaTypes.DOCKER_MANIFEST, store.manifest(images.get(0)).mediaType());
        assertBusybox(store, images.get(0));
        assertEquals(List.of(), Fixtures.names(store.root().resolve("tmp")), "the extracted archive stayed");
    }

    @Test
    void anOciArchiveIsImportedUnderTheNameGiven() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        Path tar = dir.resolve("oci.tar");
        Fixtures.skopeoCopy(layout, "1.0", "oci-archive:" + tar + ":1.0");
        ImageStore store = store();
        ImageRecord image = store.importArchive(tar, "quay.io/pmx/app:1.0", Platform.current());
        assertEquals("quay.io/pmx/app:1.0", image.reference().toString());
        assertEquals(MediaTypes.OCI_MANIFEST, store.manifest(image).mediaType());
        assertBusybox(store, image);
        assertEquals(image.manifest(), store.importLayout(layout, "x:1.0").manifest(),
                "the same manifest as the layout");
    }

    @Test
    void aTarThatIsNoImageArchiveIsRefusedByName() throws Exception {
        Path content = Files.createDirectories(dir.resolve("content"));
        Files.writeString(content.resolve("readme"), "no image");
        Path tar = dir.resolve("plain.tar");
        Fixtures.run("tar", "-cf", tar.toString(), "-C", content.toString(), "readme");
        IOException e = assertThrows(IOException.class, () -> store().importArchive(tar));
        assertEquals("image archive " + tar + ": neither manifest.json (docker save) nor oci-layout (oci-archive) at"
                + " its top", e.getMessage());
        Path escape = dir.resolve("escape.tar");
        Fixtures.run("tar", "-cf", escape.toString(), "-C", content.toString(), "--transform", "s,^,../,", "readme");
        IOException out = assertThrows(IOException.class, () -> store().importArchive(escape));
        assertEquals("image archive " + escape + ": member '../readme' is outside the archive", out.getMessage());
    }

    @Test
    void twoJvmsImportingTheSameLayoutAtOnceStoreItOnce() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        Path store = dir.resolve("store");
        Path start = dir.resolve("start");
        Path log = dir.resolve("unpacks.log");
        List<Process> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                jvms.add(Fixtures.childJvm(ImportProbe.class, store.toString(), layout.toString(), "pmx/app:1.0",
                        start.toString(), log.toString()));
            }
            Files.createFile(start);
            List<String> outputs = new ArrayList<>();
            for (Process jvm : jvms) {
                String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "a child JVM did not end");
                assertEquals(0, jvm.exitValue(), out);
                outputs.add(out.strip());
            }
            assertEquals(outputs.get(0), outputs.get(1));
            assertTrue(outputs.get(0).startsWith("IMPORTED sha256:"), outputs.get(0));
            assertEquals(1, Files.readAllLines(log).size(), "the layer was unpacked more than once");
            ImageStore s = ImageStore.open(store);
            assertEquals(1, s.list().size());
            assertEquals(3, Fixtures.names(store.resolve("blobs/sha256")).size());
            assertEquals(1, Fixtures.names(store.resolve("layers")).size());
        } finally {
            for (Process jvm : jvms) {
                jvm.destroyForcibly().waitFor();
            }
        }
    }
}
