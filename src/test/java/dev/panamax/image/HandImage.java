package dev.panamax.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Images made by hand from layer tars a test builds ({@link TarBuilder}): stored into a store without unpacking, or
 * written as an OCI layout for {@link ImageStore#importLayout}. The config is this platform's, its {@code config}
 * object the test's JSON.
 */
final class HandImage {
    private HandImage() {
    }

    /** A layer blob unpacked with {@link LayerUnpacker} in one form, which it reports to the store. */
    record FormUnpack(boolean rootless) implements LayerUnpack {
        @Override
        public List<String> unpack(java.io.InputStream layer, Digest digest, Path target) throws IOException {
            return LayerUnpacker.unpack(layer, digest.toString(), target,
                    rootless ? UnpackOptions.rootlessDefaults() : UnpackOptions.root()).notes();
        }
    }

    /** The blobs of one image: the config's and the manifest's bytes, the layers as given. */
    private record Blobs(byte[] config, byte[] manifest, List<byte[]> layers) {
    }

    private static Blobs blobs(String config, byte[]... tars) {
        List<String> ids = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        for (byte[] tar : tars) {
            ids.add("\"" + Digest.of(tar) + "\"");
            layers.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + Digest.of(tar)
                    + "\",\"size\":" + tar.length + "}");
        }
        Platform p = Platform.current();
        byte[] c = ("{\"architecture\":\"" + p.architecture() + "\",\"os\":\"" + p.os() + "\",\"config\":" + config
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", ids) + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] m = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digest.of(c) + "\",\"size\":" + c.length
                + "},\"layers\":[" + String.join(",", layers) + "]}").getBytes(StandardCharsets.UTF_8);
        return new Blobs(c, m, List.of(tars));
    }

    /** Stores the blobs and the record of an image named {@code ref}; no layer is unpacked. */
    static ImageRecord store(ImageStore store, String ref, String config, byte[]... tars) throws IOException {
        Blobs b = blobs(config, tars);
        for (byte[] tar : b.layers()) {
            store.putBlob(tar);
        }
        store.putBlob(b.config());
        return store.record(ImageReference.parse(ref), store.putBlob(b.manifest()));
    }

    /** Writes an OCI layout {@code dir} holding the image as {@code tag}. */
    static Path layout(Path dir, String tag, String config, byte[]... tars) throws IOException {
        Blobs b = blobs(config, tars);
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        List<byte[]> all = new ArrayList<>(b.layers());
        all.add(b.config());
        all.add(b.manifest());
        for (byte[] blob : all) {
            Files.write(blobs.resolve(Digest.of(blob).hex()), blob);
        }
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + Digest.of(b.manifest()) + "\",\"size\":"
                + b.manifest().length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
        return dir;
    }
}
