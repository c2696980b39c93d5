package dev.panamax.image;

import dev.panamax.sys.Flock;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's files: verified blobs, layers unpacked once, records, prune, nothing complete-looking after a
 * failure, JSON over the size limit refused.
 */
class ImageStoreTest {
    @TempDir
    Path dir;

    private ImageStore store() throws IOException {
        return ImageStore.open(dir.resolve("store"));
    }

    @Test
    void theDefaultStoreIsVarLibForRootAndTheXdgDataDirectoryOtherwise() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/var/lib/panamax"), ImageStore.defaultRoot(true, Map.of("XDG_DATA_HOME", "/x"), home));
        assertEquals(Path.of("/x/panamax"), ImageStore.defaultRoot(false, Map.of("XDG_DATA_HOME", "/x"), home));
        assertEquals(Path.of("/home/u/.local/share/panamax"), ImageStore.defaultRoot(false, Map.of(), home));
        assertEquals(Path.of("/home/u/.local/share/panamax"),
                ImageStore.defaultRoot(false, Map.of("XDG_DATA_HOME", "relative"), home));
    }

    @Test
    void aBlobIsStoredOnlyWhenItsDigestAndSizeMatch() throws Exception {
        ImageStore store = store();
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(content);
        Digest other = Digest.of(new byte[1]);
        IOException wrong = assertThrows(IOException.class,
                () -> store.putBlob(new ByteArrayInputStream(content), other, content.length));
        assertEquals("blob " + other + ": its content has digest " + digest, wrong.getMessage());
        IOException shorter = assertThrows(IOException.class,
                () -> store.putBlob(new ByteArrayInputStream(content), digest, 6));
        assertEquals("blob " + digest + ": 5 bytes, its descriptor says 6", shorter.getMessage());
        IOException longer = assertThrows(IOException.class,
                () -> store.putBlob(new ByteArrayInputStream(content), digest, 4));
        assertEquals("blob " + digest + ": longer than its size 4", longer.getMessage());
        assertEquals(List.of(), Fixtures.names(store.root().resolve("blobs/sha256")), "a refused blob left a file");

        Path blob = store.putBlob(new ByteArrayInputStream(content), digest, content.length);
        assertEquals(store.blobPath(digest), blob);
        assertEquals("hello", Files.readString(blob));
        assertEquals(digest, store.putBlob(content));
        assertEquals(List.of(digest.hex()), Fixtures.names(store.root().resolve("blobs/sha256")));
    }

    /** A tar with one file, stored as a blob. */
    private Digest layerBlob(ImageStore store, String file, String content) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + file));
        Files.writeString(src.resolve(file), content);
        Path tar = dir.resolve(file + ".tar");
        Fixtures.run("tar", "-cf", tar.toString(), "-C", src.toString(), file);
        return store.putBlob(Files.readAllBytes(tar));
    }

    @Test
    void aLayerIsUnpackedOnceWhenManyThreadsAskForIt() throws Exception {
        Path log = dir.resolve("unpacks.log");
        ImageStore store = new ImageStore(dir.resolve("store"), Fixtures.logged(log));
        Digest layer = layerBlob(store, "hello.txt", "hi");
        List<Callable<Path>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(() -> store.unpackLayer(layer));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Path> f : pool.invokeAll(tasks)) {
                assertEquals(store.layerPath(layer), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(layer.toString()), Files.readAllLines(log));
        assertEquals("hi", Files.readString(store.layerPath(layer).resolve("hello.txt")));
        assertEquals(List.of(layer.hex()), Fixtures.names(store.root().resolve("layers")));
    }

    @Test
    void theNotesOfARootlessUnpackAreRecordedWithTheLayerAndReachTheImage() throws Exception {
        byte[] devices = new TarBuilder().dir("dev", 0755).device("dev/null", TarConstants.LF_CHR, 1, 3, 0666)
                .device("dev/odd\nname", TarConstants.LF_BLK, 8, 0, 0600).tar();
        byte[] plain = new TarBuilder().file("hello.txt", 0644, "hi").tar();
        Path layout = HandImage.layout(dir.resolve("layout"), "1.0", "{}", plain, devices);
        ImageStore store = new ImageStore(dir.resolve("store"), new HandImage.FormUnpack(true));
        ImageRecord record = store.importLayout(layout, "app:1.0");
        Digest withDevices = Digest.of(devices);
        List<String> notes = List.of("skipped device node dev/null (1:3): rootless",
                "skipped device node dev/odd\nname (8:0): rootless");
        assertEquals(notes, store.unpackNotes(withDevices).stream().filter(n -> n.startsWith("skipped")).toList(),
                "a note with a line break in its name stays one note");
        assertEquals(List.of(), store.unpackNotes(Digest.of(plain)).stream().filter(n -> n.startsWith("skipped"))
                .toList());
        Image image = store.image(record.reference());
        assertEquals(store.unpackNotes(withDevices), image.unpackNotes().get(withDevices));
        assertFalse(Files.exists(store.layerPath(withDevices).resolve("dev/null")));

        store.remove(record.reference());
        store.prune();
        assertEquals(List.of(), Fixtures.names(store.root().resolve("notes")), "the notes go with their layer");
        assertEquals(List.of(), store.unpackNotes(withDevices));
    }

    @Test
    void aReferenceTooLongForAFileNameIsRecordedUnderItsHashAndListedFoundAndRemoved() throws Exception {
        String registry = "registry.example:5000";
        String path = "a/".repeat(116) + "a";
        ImageReference longest = ImageReference.parse(registry + "/" + path + ":" + "t".repeat(128) + "@"
                + Digest.of(new byte[0]));
        assertEquals(255, longest.name().length(), "the longest name a reference may have");
        ImageStore store = ImageStore.open(dir.resolve("store"));
        byte[] tar = new TarBuilder().file("hello.txt", 0644, "hi").tar();
        ImageRecord image = HandImage.store(store, longest.toString(), "{}", tar);
        ImageRecord app = HandImage.store(store, "app:1.0", "{}", tar);
        Path legacy = store.root().resolve("images/docker.io%2Flibrary%2Fold%3A2"); // as earlier stores wrote it
        Files.writeString(legacy, app.manifest() + "\n");

        Path file = store.recordPath(longest);
        String name = file.getFileName().toString();
        assertTrue(name.startsWith("sha256-") && name.length() == 7 + 64, name);
        assertEquals(image.manifest() + "\n" + longest + "\n", Files.readString(file));
        assertEquals(app.manifest() + "\n",
                Files.readString(store.root().resolve("images/docker.io%2Flibrary%2Fapp%3A1.0")),
                "a short reference's record is named and written as before");
        assertEquals(image, store.find(longest).orElseThrow());
        assertEquals(List.of(app, new ImageRecord(ImageReference.parse("old:2"), app.manifest()), image),
                store.list(), "sorted by reference");
        assertTrue(store.remove(longest));
        assertFalse(store.find(longest).isPresent());
        assertEquals(2, store.list().size());

        ImageReference other = ImageReference.parse(registry + "/" + path + ":" + "u".repeat(128));
        Files.writeString(store.recordPath(other), app.manifest() + "\n" + longest + "\n");
        IOException e = assertThrows(IOException.class, store::list);
        assertEquals("image record " + store.recordPath(other) + ": holds the reference " + longest
                + ", not the one its name is the hash of", e.getMessage());
        assertThrows(IOException.class, () -> store.find(other));
    }

    @Test
    void aFailedUnpackLeavesNoLayerDirectory() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("store"), (in, digest, target) -> {
            Files.writeString(target.resolve("half"), "written before the failure");
            throw new IOException("layer " + digest + ": refused");
        });
        Digest layer = store.putBlob("not a tar".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> store.unpackLayer(layer));
        assertEquals("layer " + layer + ": refused", e.getMessage());
        assertEquals(List.of(), Fixtures.names(store.root().resolve("layers")));
        assertFalse(Files.exists(store.layerPath(layer)));
    }

    @Test
    void theStoreUnpacksLayersWithTheSecureUnpacker() throws Exception {
        ImageStore store = ImageStore.open(dir.resolve("store"));
        Digest layer = store.putBlob(new TarBuilder().dir("etc/", 0755).file("etc/motd", 0644, "hello\n").gzip());
        store.unpackLayer(layer);
        assertEquals("hello\n", Files.readString(store.layerPath(layer).resolve("etc/motd")));
        Digest escape = store.putBlob(new TarBuilder().file("../outside", 0644, "x").tar());
        IOException e = assertThrows(IOException.class, () -> store.unpackLayer(escape));
        assertTrue(e.getMessage().contains(escape.toString()) && e.getMessage().contains("../outside"), e.getMessage());
        assertFalse(Files.exists(store.layerPath(escape)), "nothing half-unpacked");
        assertFalse(Files.exists(dir.resolve("store/layers/outside")), "nothing outside");
    }

    @Test
    void aStoreWithLayerLimitsStopsAGzipBombAndKeepsNoLayer() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ImageStore.open(dir.resolve("bad"), 0, 10));
        ImageStore store = ImageStore.open(dir.resolve("store"), 1 << 20, 100);
        byte[] zeros = new byte[8 << 20];
        Digest bomb = store.putBlob(new TarBuilder().file("zeros", 0644, zeros).gzip());
        assertTrue(Files.size(store.blobPath(bomb)) < 64 << 10, "8 MiB of zeros compress to a small blob");
        UnpackException e = assertThrows(UnpackException.class, () -> store.unpackLayer(bomb));
        assertEquals(UnpackException.Rule.SIZE_LIMIT, e.rule());
        assertTrue(e.getMessage().contains(bomb.toString()) && e.getMessage().contains("zeros"), e.getMessage());
        assertFalse(Files.exists(store.layerPath(bomb)), "nothing half-unpacked");
        assertEquals(List.of(), Fixtures.names(store.root().resolve("layers")));

        TarBuilder many = new TarBuilder();
        for (int i = 0; i < 101; i++) {
            many.file("f" + i, 0644, "x");
        }
        Digest crowded = store.putBlob(many.tar());
        assertEquals(UnpackException.Rule.ENTRY_LIMIT,
                assertThrows(UnpackException.class, () -> store.unpackLayer(crowded)).rule());
        Digest fine = store.putBlob(new TarBuilder().file("small", 0644, "ok").gzip());
        store.unpackLayer(fine);
        assertEquals("ok", Files.readString(store.layerPath(fine).resolve("small")));
    }

    /** An image of one layer stored by hand: its manifest's digest. */
    private Digest image(ImageStore store, Digest layer) throws IOException {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layer + "\"]}}").getBytes(StandardCharsets.UTF_8);
        Digest c = store.putBlob(config);
        store.unpackLayer(layer);
        return store.putBlob(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + c + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer
                + "\",\"size\":" + Files.size(store.blobPath(layer)) + "}]}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recordsAreListedRemovedAndPruneKeepsWhatAnImageReferences() throws Exception {
        ImageStore store = store();
        Digest shared = layerBlob(store, "a", "1");
        Digest manifest = image(store, shared);
        ImageReference one = ImageReference.parse("pmx/one");
        ImageReference two = ImageReference.parse("localhost:5000/pmx/two:v1");
        store.record(one, manifest);
        store.record(two, manifest);
        Digest orphanLayer = layerBlob(store, "b", "2");
        store.unpackLayer(orphanLayer);

        assertEquals(List.of(new ImageRecord(one, manifest), new ImageRecord(two, manifest)), store.list());
        assertEquals(List.of(store.layerPath(shared)), store.layers(store.find(one).orElseThrow()));
        assertEquals(new PruneResult(1, 1, 0), store.prune(), "the orphan layer's blob and directory");
        assertTrue(Files.isDirectory(store.layerPath(shared)));

        assertTrue(store.remove(one));
        assertFalse(store.remove(one));
        assertEquals(new PruneResult(0, 0, 0), store.prune(), "two still references everything");
        assertTrue(store.remove(two));
        assertEquals(new PruneResult(3, 1, 0), store.prune(), "manifest, config and layer");
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), Fixtures.names(store.root().resolve("blobs/sha256")));
    }

    @Test
    void pruneSparesALayerWhosePinIsHeldAlsoInThisJvmAndRemovesItOnceReleased() throws Exception {
        ImageStore store = store();
        Digest layer = layerBlob(store, "a", "1");
        ImageReference ref = ImageReference.parse("pmx/pinned");
        store.record(ref, image(store, layer));
        List<Path> pins = store.image(ref).root().pins();
        assertEquals(List.of(store.pinPath(layer)), pins, "made by image()");
        try (Flock held = Flock.shared(pins.getFirst())) { // as a launch holds it
            assertTrue(store.remove(ref));
            assertEquals(new PruneResult(3, 0, 0, 1), store.prune(), "the blobs go, the layer stays");
            assertTrue(Files.isDirectory(store.layerPath(layer)));
            assertEquals(new PruneResult(0, 0, 0, 1), store.prune(), "its form and pin stay with it");
        }
        assertEquals(new PruneResult(0, 1, 0, 0), store.prune());
        for (String d : List.of("layers", "forms", "pins")) {
            assertEquals(List.of(), Fixtures.names(store.root().resolve(d)), d);
        }
    }

    @Test
    void aStoredDocumentOverTheLimitIsRefusedNamingIt() throws Exception {
        ImageStore store = store();
        Digest big = store.putBlob(new byte[Json.MAX_DOCUMENT + 1]);
        IOException e = assertThrows(IOException.class, () -> store.readDocument(big));
        assertEquals("blob " + big + ": larger than the limit of 4194304 bytes for a JSON document", e.getMessage());
    }

    @Test
    void whatAnInterruptedWriteLeftIsNeverListedAndPruneRemovesIt() throws Exception {
        ImageStore store = store();
        Path root = store.root();
        Files.writeString(root.resolve("blobs/sha256/.tmp-1-1"), "half a blob");
        Files.createDirectories(root.resolve("layers/.tmp-1-2/bin"));
        Files.writeString(root.resolve("images/.tmp-1-3"), "sha256:");
        Files.createDirectories(root.resolve("tmp/.tmp-1-4"));
        assertEquals(List.of(), store.list());
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(".tmp-1-1"));
        assertEquals(new PruneResult(0, 0, 4), store.prune());
        assertEquals(List.of(), Fixtures.names(root.resolve("layers")));
    }
}
