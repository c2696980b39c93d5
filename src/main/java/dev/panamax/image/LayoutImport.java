package dev.panamax.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies one image of an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/HEX}) into
 * a store: the manifest (for the platform, through a nested index), the config and the layers, every blob
 * verified; each layer unpacked once; the record written last.
 */
final class LayoutImport {
    private final ImageStore store;
    private final Path layout;

    LayoutImport(ImageStore store, Path layout) {
        this.store = store;
        this.layout = layout;
    }

    /** The layout's index.json, after checking its oci-layout file. */
    ImageIndex index() throws IOException {
        if (!Files.isRegularFile(layout.resolve("oci-layout"))) {
            throw new IOException("OCI layout " + layout + ": no oci-layout file (not an OCI image layout)");
        }
        try {
            return ImageIndex.parse(StoreFiles.readLimited(layout.resolve("index.json"), "OCI layout " + layout
                    + ": index.json"));
        } catch (IllegalArgumentException e) {
            throw new IOException("OCI layout " + layout + ": index.json: " + e.getMessage(), e);
        }
    }

    /**
     * The entry of index.json named {@code refName}: its {@code org.opencontainers.image.ref.name} is the name as
     * given, or the tag of the reference it parses to (skopeo's {@code oci:DIR:TAG} writes the tag only).
     */
    static Descriptor entry(ImageIndex index, String refName, Path layout) throws IOException {
        String tag = null;
        try {
            tag = ImageReference.parse(refName).tag();
        } catch (IllegalArgumentException e) {
            // matched as written only
        }
        List<String> names = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            String name = d.annotations().get(Descriptor.REF_NAME);
            if (name != null && (name.equals(refName) || name.equals(tag))) {
                return d;
            }
            names.add(name == null ? "(unnamed)" : name);
        }
        throw new IOException("OCI layout " + layout + ": no image named '" + refName + "' in index.json; it has "
                + (names.isEmpty() ? "none" : String.join(", ", names)));
    }

    /** Imports the image an index entry names, for a platform, and records it as {@code reference}. */
    ImageRecord importImage(Descriptor entry, ImageReference reference, Platform platform) throws IOException {
        try (StoreLock.Held held = store.importing()) {
            Descriptor manifestDescriptor = manifestFor(entry, platform, 0);
            copy(manifestDescriptor);
            ImageManifest manifest;
            try {
                manifest = ImageManifest.parse(store.readDocument(manifestDescriptor.digest()));
            } catch (IllegalArgumentException e) {
                throw new IOException("OCI layout " + layout + ": " + e.getMessage(), e);
            }
            copy(manifest.config());
            ImageConfig config;
            try {
                config = ImageConfig.parse(store.readDocument(manifest.config().digest()));
            } catch (IllegalArgumentException e) {
                throw new IOException("OCI layout " + layout + ": " + e.getMessage(), e);
            }
            ArchiveImport.checkLayerCount(manifest.layers().size(), config, "OCI layout " + layout + ": manifest "
                    + manifestDescriptor.digest());
            for (Descriptor layer : manifest.layers()) {
                copy(layer);
                store.unpackLayer(layer.digest());
            }
            return store.record(reference, manifestDescriptor.digest());
        }
    }

    /** The manifest descriptor for a platform: the entry itself, or chosen from a (nested) index. */
    private Descriptor manifestFor(Descriptor entry, Platform platform, int depth) throws IOException {
        if (MediaTypes.MANIFESTS.contains(entry.mediaType())) {
            return entry;
        }
        if (!MediaTypes.INDEXES.contains(entry.mediaType())) {
            throw new IOException("OCI layout " + layout + ": " + entry.digest() + " has media type '"
                    + entry.mediaType() + "', neither a manifest nor an index");
        }
        if (depth > 4) {
            throw new IOException("OCI layout " + layout + ": indexes nested deeper than 4");
        }
        byte[] bytes = StoreFiles.readLimited(blob(entry.digest()), "OCI layout " + layout + ": index "
                + entry.digest());
        if (!Digest.of(bytes).equals(entry.digest())) {
            throw new IOException("OCI layout " + layout + ": blob " + entry.digest() + " has digest "
                    + Digest.of(bytes));
        }
        try {
            return manifestFor(ImageIndex.parse(bytes).select(platform), platform, depth + 1);
        } catch (IllegalArgumentException e) {
            throw new IOException("OCI layout " + layout + ": " + e.getMessage(), e);
        }
    }

    private Path blob(Digest digest) {
        return layout.resolve("blobs").resolve(Digest.SHA256).resolve(digest.hex());
    }

    /** Copies a blob of the layout into the store, verified. */
    private void copy(Descriptor d) throws IOException {
        if (Files.exists(store.blobPath(d.digest()))) {
            return;
        }
        try (InputStream in = Files.newInputStream(blob(d.digest()))) {
            store.putBlob(in, d.digest(), d.size());
        } catch (NoSuchFileException e) {
            throw new IOException("OCI layout " + layout + ": blob " + d.digest() + " is missing", e);
        }
    }
}
