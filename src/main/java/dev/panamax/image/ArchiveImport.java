package dev.panamax.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports an image archive: an {@code oci-archive} (a tarred OCI layout: {@code oci-layout}, {@code index.json})
 * or a {@code docker save} tar ({@code manifest.json} listing config, layers and {@code RepoTags}). The archive's
 * regular files are copied into a temporary directory of the store (names checked: relative, inside), then read
 * as a layout or as docker's format; for the latter a Docker schema 2 manifest is written.
 */
final class ArchiveImport {
    /** Docker's (containerd's) annotation with the full reference of an index entry. */
    static final String IMAGE_NAME = "io.containerd.image.name";

    private final ImageStore store;
    private final Path archive;

    ArchiveImport(ImageStore store, Path archive) {
        this.store = store;
        this.archive = archive;
    }

    /** Imports every named image (or, with {@code refName}, the one so named, stored as {@code refName}). */
    List<ImageRecord> importAll(String refName, Platform platform) throws IOException {
        Path dir = store.tempDirectory();
        try {
            extract(dir);
            if (Files.isRegularFile(dir.resolve("manifest.json"))) {
                return importDocker(dir, refName);
            }
            if (Files.isRegularFile(dir.resolve("oci-layout"))) {
                return importOci(dir, refName, platform);
            }
            throw new IOException("image archive " + archive + ": neither manifest.json (docker save) nor oci-layout"
                    + " (oci-archive) at its top");
        } finally {
            StoreFiles.deleteTree(dir);
        }
    }

    private void extract(Path dir) throws IOException {
        Map<Path, Path> links = new LinkedHashMap<>();
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(file))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                Path name = inside(dir, e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(name);
                } else if (e.isFile()) {
                    Files.createDirectories(name.getParent());
                    Files.copy(tar, name, StandardCopyOption.REPLACE_EXISTING);
                } else if (e.isSymbolicLink()) { // docker save links a repeated layer to its first copy
                    Path target = name.getParent().resolve(e.getLinkName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IOException("image archive " + archive + ": link '" + e.getName()
                                + "' points outside the archive");
                    }
                    links.put(name, target);
                } else if (e.isLink()) {
                    links.put(name, inside(dir, e.getLinkName()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("image archive " + archive + ": not a readable tar: " + e.getMessage(), e);
        }
        for (Map.Entry<Path, Path> link : links.entrySet()) {
            if (Files.isRegularFile(link.getValue())) {
                Files.createDirectories(link.getKey().getParent());
                Files.copy(link.getValue(), link.getKey(), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The path of an archive member inside {@code dir}, refusing absolute names and {@code ..} escapes. */
    private Path inside(Path dir, String name) throws IOException {
        Path relative = Path.of(name).normalize();
        if (relative.isAbsolute() || relative.startsWith("..") || relative.toString().isEmpty()) {
            throw new IOException("image archive " + archive + ": member '" + name + "' is outside the archive");
        }
        return dir.resolve(relative);
    }

    private List<ImageRecord> importOci(Path dir, String refName, Platform platform) throws IOException {
        LayoutImport layout = new LayoutImport(store, dir);
        ImageIndex index = layout.index();
        if (refName != null) {
            Descriptor entry = index.manifests().size() == 1 ? index.manifests().get(0)
                    : LayoutImport.entry(index, refName, dir);
            return List.of(layout.importImage(entry, parse(refName), platform));
        }
        List<ImageRecord> records = new ArrayList<>();
        for (Descriptor entry : index.manifests()) {
            String name = entry.annotations().getOrDefault(IMAGE_NAME, entry.annotations().get(Descriptor.REF_NAME));
            if (name == null) {
                throw new IOException("image archive " + archive + ": index.json entry " + entry.digest()
                        + " has no name (" + Descriptor.REF_NAME + "); import it with a name");
            }
            records.add(layout.importImage(entry, parse(name), platform));
        }
        return records;
    }

    private List<ImageRecord> importDocker(Path dir, String refName) throws IOException {
        JsonNode images;
        try {
            images = Json.parseAny(StoreFiles.readLimited(dir.resolve("manifest.json"), "manifest.json"),
                    "manifest.json");
        } catch (IllegalArgumentException e) {
            throw new IOException("image archive " + archive + ": " + e.getMessage(), e);
        }
        if (!images.isArray() || images.isEmpty()) {
            throw new IOException("image archive " + archive + ": manifest.json is not a non-empty array");
        }
        List<ImageRecord> records = new ArrayList<>();
        try (StoreLock.Held held = store.importing()) {
            for (int i = 0; i < images.size(); i++) {
                String where = "manifest.json[" + i + "]";
                JsonNode image = images.get(i);
                List<String> names = refName != null ? List.of(refName) : Json.strings(image, "RepoTags", where);
                if (names.isEmpty()) {
                    throw new IOException("image archive " + archive + ": " + where
                            + " has no RepoTags; import it with a name");
                }
                Digest manifest = storeDocker(dir, image, where);
                for (String name : names) {
                    records.add(store.record(parse(name), manifest));
                }
                if (refName != null) {
                    break;
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("image archive " + archive + ": " + e.getMessage(), e);
        }
        return records;
    }

    /** Stores one docker-save image's config and layers, then a Docker schema 2 manifest for them. */
    private Digest storeDocker(Path dir, JsonNode image, String where) throws IOException {
        byte[] configBytes = StoreFiles.readLimited(inside(dir, Json.string(image, "Config", where)),
                where + ".Config");
        ImageConfig parsed = ImageConfig.parse(configBytes);
        List<String> layerNames = Json.strings(image, "Layers", where);
        checkLayerCount(layerNames.size(), parsed, "image archive " + archive + ": " + where);
        Digest config = store.putBlob(configBytes);
        ObjectNode manifest = Json.object();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
        manifest.set("config", descriptor(MediaTypes.DOCKER_CONFIG, config, configBytes.length));
        ArrayNode layers = manifest.putArray("layers");
        for (String layer : layerNames) {
            Path file = inside(dir, layer);
            if (!Files.isRegularFile(file)) {
                throw new IOException("image archive " + archive + ": " + where + ": layer " + layer + " is missing");
            }
            Digest digest;
            try (InputStream in = Files.newInputStream(file)) {
                digest = Digest.of(in);
            }
            try (InputStream in = Files.newInputStream(file)) {
                store.putBlob(in, digest, Files.size(file));
            }
            store.unpackLayer(digest);
            layers.add(descriptor(MediaTypes.DOCKER_LAYER_TAR, digest, Files.size(file)));
        }
        return store.putBlob(Json.bytes(manifest));
    }

    /** An image whose layer count differs from its config's diff_ids is refused (it cannot be stacked right). */
    static void checkLayerCount(int layers, ImageConfig config, String where) throws IOException {
        if (layers != config.diffIds().size()) {
            throw new IOException(where + ": " + layers + " layers, but its config lists " + config.diffIds().size()
                    + " diff_ids");
        }
    }

    private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
        ObjectNode d = Json.object();
        d.put("mediaType", mediaType);
        d.put("digest", digest.toString());
        d.put("size", size);
        return d;
    }

    private ImageReference parse(String name) throws IOException {
        try {
            return ImageReference.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IOException("image archive " + archive + ": image name '" + name + "': " + e.getMessage(), e);
        }
    }
}
