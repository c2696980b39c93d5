package dev.panamax.image;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real multi-platform image: an OCI index of an amd64 and an arm64/v8 manifest built by the test with umoci,
 * pushed whole with {@code skopeo copy --all} to a real {@code docker-registry}, pulled per platform. Tagged
 * {@code kernel} as {@link RegistryPullTest}.
 */
@Tag("kernel")
class MultiArchPullTest {
    @TempDir
    Path dir;

    /** Adds an arm64 image (one layer: {@code /etc/arch}) as {@code arm64} to the layout. */
    private static void addArm64(Path dir, Path layout) throws IOException {
        String image = layout + ":arm64";
        Path bundle = dir.resolve("bundle-arm64");
        Fixtures.run("umoci", "new", "--image", image);
        Fixtures.run("umoci", "unpack", "--rootless", "--image", image, bundle.toString());
        Files.createDirectories(bundle.resolve("rootfs/etc"));
        Files.writeString(bundle.resolve("rootfs/etc/arch"), "arm64\n");
        Fixtures.run("umoci", "repack", "--image", image, bundle.toString());
        Fixtures.run("umoci", "config", "--image", image, "--os", "linux", "--architecture", "arm64");
        StoreFiles.deleteTree(bundle);
    }

    /** Writes an index of the layout's {@code amd64} and {@code arm64} images and names it {@code multi}. */
    private static void addIndex(Path layout) throws IOException {
        Path indexJson = layout.resolve("index.json");
        ImageIndex top = ImageIndex.parse(Files.readAllBytes(indexJson));
        StringBuilder entries = new StringBuilder();
        for (Descriptor d : top.manifests()) {
            String name = d.annotations().get(Descriptor.REF_NAME);
            String platform = name.equals("arm64") ? "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}"
                    : "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
            entries.append(entries.isEmpty() ? "" : ",").append("{\"mediaType\":\"").append(d.mediaType())
                    .append("\",\"digest\":\"").append(d.digest()).append("\",\"size\":").append(d.size())
                    .append(",\"platform\":").append(platform).append('}');
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + entries + "]}").getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(index);
        Files.write(layout.resolve("blobs/sha256").resolve(digest.hex()), index);
        String json = Files.readString(indexJson);
        int end = json.lastIndexOf(']');
        Files.writeString(indexJson, json.substring(0, end) + ",{\"mediaType\":\"" + MediaTypes.OCI_INDEX
                + "\",\"digest\":\"" + digest + "\",\"size\":" + index.length + ",\"annotations\":{\""
                + Descriptor.REF_NAME + "\":\"multi\"}}" + json.substring(end));
    }

    @Test
    void anIndexPushedWithSkopeoAllGivesEachPlatformItsOwnImage() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "amd64");
        // umoci new gave it this machine's architecture: amd64 also on arm64, as the index says
        Fixtures.run("umoci", "config", "--image", layout + ":amd64", "--os", "linux", "--architecture", "amd64");
        addArm64(dir, layout);
        addIndex(layout);
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "multi", "pmx/multi:1.0", null, "--all");
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/multi:1.0");
            ImageStore store = ImageStore.open(dir.resolve("store"));
            RegistryClient client = RegistryClient.builder().build();

            ImageRecord arm = client.pull(store, ref, Platform.parse("linux/arm64/v8"));
            assertEquals(new Platform("linux", "arm64", ""), store.config(arm).platform());
            assertEquals("arm64\n", Files.readString(store.layers(arm).get(0).resolve("etc/arch")));
            assertEquals(arm.manifest(), client.pull(store, ref, Platform.parse("linux/arm64")).manifest(),
                    "arm64 without a variant takes v8");

            ImageRecord amd = client.pull(store, ref, Platform.parse("linux/amd64"));
            assertNotEquals(arm.manifest(), amd.manifest());
            assertEquals("amd64", store.config(amd).platform().architecture());
            assertEquals(Files.size(Path.of("/usr/bin/busybox")),
                    Files.size(store.layers(amd).get(0).resolve("bin/busybox")));
            assertEquals(amd, store.find(ref).orElseThrow(), "the reference names the image pulled last");

            IOException e = assertThrows(IOException.class,
                    () -> client.pull(store, ref, Platform.parse("linux/arm/v7")));
            assertTrue(e.getMessage().contains("no manifest for platform linux/arm/v7; it offers linux/amd64,"
                    + " linux/arm64/v8") || e.getMessage().contains("it offers linux/arm64/v8, linux/amd64"),
                    e.getMessage());
        }
    }
}
