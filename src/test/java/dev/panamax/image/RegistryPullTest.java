package dev.panamax.image;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pulls from a real registry: Debian's {@code docker-registry} started on 127.0.0.1 by the test, open and with
 * htpasswd Basic auth, the busybox image pushed by {@code skopeo copy} from a layout umoci built. Tagged
 * {@code kernel}: docker-registry, apache2-utils, skopeo, umoci and busybox-static are packages ({@code .ci/deps}).
 */
@Tag("kernel")
class RegistryPullTest {
    @TempDir
    Path dir;

    private ImageStore store(String name) throws IOException {
        return ImageStore.open(dir.resolve(name));
    }

    private static RegistryClient quick() {
        return RegistryClient.builder().retries(1, Duration.ofMillis(10)).build();
    }

    @Test
    void aPushedImageIsPulledWithTheLayersItsLayoutImportGives() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", "pmx/app:1.0", null);
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/app:1.0");

            ImageStore pulled = store("pulled");
            ImageRecord image = pulled.pull(ref, quick());
            assertEquals(image, pulled.find(ref).orElseThrow());
            assertEquals(List.of(image), pulled.list());

            ImageStore imported = store("imported");
            ImageRecord local = imported.importLayout(layout, "pmx/app:1.0");
            assertEquals(imported.manifest(local).layers(), pulled.manifest(image).layers());
            assertEquals(imported.config(local), pulled.config(image));
            assertSameLayers(imported, local, pulled, image);
            assertEquals(List.of("/bin/sh"), pulled.config(image).cmd());
            assertEquals(Map.of("pmx.test", "yes"), pulled.config(image).labels());

            // by digest too, into the same store: nothing is downloaded again but the record
            ImageReference byDigest = ImageReference.parse(registry.address() + "/pmx/app@" + image.manifest());
            assertEquals(image.manifest(), pulled.pull(byDigest, quick()).manifest());
            assertTrue(pulled.find(byDigest).isPresent());
        }
    }

    @Test
    void anUnknownTagIsA404NamingTheReference() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", "pmx/app:1.0", null);
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/app:2.0");
            ImageStore store = store("store");
            RegistryException e = assertThrows(RegistryException.class, () -> store.pull(ref, quick()));
            assertEquals(404, e.status());
            assertTrue(e.getMessage().contains(ref.toString()) && e.getMessage().contains("not found (404"),
                    e.getMessage());
            ImageReference other = ImageReference.parse(registry.address() + "/pmx/none:1.0");
            RegistryException repo = assertThrows(RegistryException.class, () -> store.pull(other, quick()));
            assertTrue(repo.getMessage().contains(other.toString()), repo.getMessage());
            assertTrue(store.list().isEmpty());
        }
    }

    @Test
    void basicAuthRefusesAPullWithoutOrWithWrongCredentialsAndAllowsOneWithThem() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), "alice", "s3cret")) {
            registry.push(layout, "1.0", "pmx/app:1.0", "alice:s3cret");
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/app:1.0");
            ImageStore store = store("store");

            RegistryException none = assertThrows(RegistryException.class, () -> store.pull(ref, quick()));
            assertEquals(401, none.status());
            assertTrue(none.getMessage().contains("registry " + registry.address())
                    && none.getMessage().contains("401") && none.getMessage().contains("needs credentials"),
                    none.getMessage());

            RegistryClient wrong = RegistryClient.builder().credentials(registry.address(), "alice", "guess").build();
            RegistryException refused = assertThrows(RegistryException.class, () -> store.pull(ref, wrong));
            assertEquals(401, refused.status());
            assertTrue(refused.getMessage().contains("refused the credentials of user 'alice'"),
                    refused.getMessage());
            assertTrue(store.list().isEmpty());

            RegistryClient right = RegistryClient.builder().credentials(registry.address(), "alice", "s3cret").build();
            ImageRecord image = store.pull(ref, right);
            assertEquals(image, store.find(ref).orElseThrow());
            assertEquals(Files.size(Path.of("/usr/bin/busybox")),
                    Files.size(store.layers(image).get(0).resolve("bin/busybox")));
        }
    }

    @Test
    void connectionRefusedNamesHostAndPort() throws Exception {
        int port = LocalRegistry.freePort();
        ImageReference ref = ImageReference.parse("127.0.0.1:" + port + "/pmx/app:1.0");
        ImageStore store = store("store");
        RegistryException e = assertThrows(RegistryException.class, () -> store.pull(ref, quick()));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("connection refused at 127.0.0.1:" + port), e.getMessage());
        assertFalse(Files.list(store.root().resolve("images")).findAny().isPresent());
    }

    @Test
    void onlyTheLoopbackAndRegistriesMarkedInsecureGetPlainHttp() {
        RegistryClient client = RegistryClient.builder().insecure("registry.lan:5000").build();
        assertEquals("http://127.0.0.1:5000/", client.base("127.0.0.1:5000").toString());
        assertEquals("http://localhost/", client.base("localhost").toString());
        assertEquals("http://[::1]:5000/", client.base("[::1]:5000").toString());
        assertEquals("http://registry.lan:5000/", client.base("registry.lan:5000").toString());
        assertEquals("https://registry.lan:5001/", client.base("registry.lan:5001").toString());
        assertEquals("https://registry-1.docker.io/", client.base("docker.io").toString());
        assertEquals("https://localhost.example/", client.base("localhost.example").toString());
    }

    /**
     * A three-layer image (the third deletes a file) pushed as OCI and as Docker schema 2 ({@code skopeo copy
     * --format v2s2}): both pulls give the layers of its layout import; the Docker manifest is stored as the
     * registry sent it, its layers the OCI push's blobs.
     */
    @Test
    void aThreeLayerImageIsPulledLayerForLayerAsItsLayoutImportAlsoAsDockerSchema2() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        Fixtures.addLayers(dir.resolve("image"), layout, "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", "pmx/layers:1.0", null);
            registry.push(layout, "1.0", "pmx/docker:1.0", null, "--format", "v2s2");
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/layers:1.0");
            ImageStore pulled = store("pulled");
            ImageRecord image = pulled.pull(ref, quick());
            ImageStore imported = store("imported");
            ImageRecord local = imported.importLayout(layout, "pmx/layers:1.0");
            assertSameLayers(imported, local, pulled, image);
            assertEquals(3, pulled.layers(image).size());
            assertEquals("layer two\n", Files.readString(pulled.layers(image).get(1).resolve("etc/motd")));

            ImageStore docker = store("docker");
            ImageRecord v2s2 = docker.pull(ImageReference.parse(registry.address() + "/pmx/docker:1.0"), quick());
            ImageManifest manifest = docker.manifest(v2s2);
            assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.mediaType());
            assertEquals(MediaTypes.OCI_MANIFEST, pulled.manifest(image).mediaType());
            assertTrue(new String(docker.readDocument(v2s2.manifest()), StandardCharsets.UTF_8)
                    .contains("\"" + MediaTypes.DOCKER_MANIFEST + "\""), "the registry's bytes are stored");
            assertTrue(manifest.layers().stream().allMatch(l -> l.mediaType().startsWith("application/vnd.docker.")),
                    manifest.layers().toString());
            assertEquals(pulled.manifest(image).layers().stream().map(Descriptor::digest).toList(),
                    manifest.layers().stream().map(Descriptor::digest).toList());
            assertEquals(pulled.config(image), docker.config(v2s2));
            assertSameLayers(pulled, image, docker, v2s2);
        }
    }

    /** Two images have as many layers, each the same tree (types, modes, owners, contents, file mtimes). */
    private static void assertSameLayers(ImageStore expectedStore, ImageRecord expected, ImageStore store,
                                         ImageRecord image) throws IOException {
        List<Path> want = expectedStore.layers(expected);
        List<Path> got = store.layers(image);
        assertEquals(want.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(Trees.describe(want.get(i), true), Trees.describe(got.get(i), true), "layer " + i);
        }
    }

    @Test
    void theListenerIsToldTheImagesSizeFirstAndTheNotesOfARootlessUnpack() throws Exception {
        byte[] devices = new TarBuilder().dir("dev", 0755).device("dev/null", TarConstants.LF_CHR, 1, 3, 0666).tar();
        byte[] plain = new TarBuilder().file("hello.txt", 0644, "hi").tar();
        Path layout = HandImage.layout(dir.resolve("layout"), "1.0", "{}", plain, devices);
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", "pmx/devices:1.0", null);
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/devices:1.0");
            ImageStore store = new ImageStore(dir.resolve("store"), new HandImage.FormUnpack(true));
            List<String> events = new CopyOnWriteArrayList<>();
            PullListener listener = new PullListener() {
                @Override
                public void pullStarted(ImageReference image, int layers, long totalBytes) {
                    events.add("started " + image + " " + layers + " " + totalBytes);
                }

                @Override
                public void layerStarted(Digest layer, long size) {
                    events.add("layer " + layer);
                }

                @Override
                public void layerNote(Digest layer, String note) {
                    events.add("note " + layer + " " + note);
                }
            };
            store.pull(ref, RegistryClient.builder().retries(1, Duration.ofMillis(10)).listener(listener).build());
            List<Digest> layers = store.manifest(store.find(ref).orElseThrow()).layers().stream()
                    .map(Descriptor::digest).toList();
            long total = store.manifest(store.find(ref).orElseThrow()).layers().stream()
                    .mapToLong(Descriptor::size).sum();
            assertEquals("started " + ref + " 2 " + total, events.getFirst(), "before any download: " + events);
            assertEquals(2, events.stream().filter(e -> e.startsWith("layer ")).count(), events.toString());
            assertTrue(events.contains("note " + layers.get(1) + " skipped device node dev/null (1:3): rootless"),
                    events.toString());
            assertTrue(events.stream().noneMatch(e -> e.startsWith("note " + layers.get(0) + " skipped")),
                    events.toString());
            assertTrue(events.indexOf("note " + layers.get(1) + " skipped device node dev/null (1:3): rootless")
                    > events.lastIndexOf("layer " + layers.get(1)), "notes after the downloads: " + events);
        }
    }
}
