package dev.panamax.image;

import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.Flock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A local image store in one directory, safe to share between threads and JVMs:
 *
 * <pre>
 * ROOT/lock                      the store lock (imports shared; remove and prune exclusive)
 * ROOT/blobs/sha256/HEX          content-addressed blobs: manifests, configs, layers as stored
 * ROOT/layers/HEX/               a layer blob unpacked (HEX: the layer blob's digest)
 * ROOT/blobs/sha256/.tmp-part-HEX a blob's download until verified (resumed by the next pull)
 * ROOT/locks/HEX.lock            one lock per digest: a blob downloaded, a layer unpacked once, also by JVMs
 * ROOT/forms/HEX                 how layer HEX was unpacked: {@code root} or {@code rootless} (its overlay xattrs)
 * ROOT/notes/HEX                 the notes of layer HEX's unpacking, one a line, when it has any ({@link #unpackNotes})
 * ROOT/pins/HEX                  layer HEX's pin: each container running on the layer holds a shared flock(2) on it
 * ROOT/images/NAME               an image record: the manifest digest (NAME: the URL-encoded reference)
 * ROOT/images/sha256-HEX         the record of a reference too long for a file name: HEX its SHA-256, the
 *                                reference on the record's second line
 * ROOT/tmp/                      archives being imported, unpacked for the import's time
 * </pre>
 *
 * <p>Everything is written under a temporary name starting with {@code .tmp-} (a blob after its digest and size
 * are verified, a layer once unpacked) and renamed into place, so a crash never leaves anything that looks
 * complete; {@link #prune()} removes such debris.
 */
public final class ImageStore {
    /** The prefix of every name written before it is complete. */
    static final String TMP = ".tmp-";
    /** The longest file name of an image record (Linux's NAME_MAX): longer references get a hashed name. */
    static final int RECORD_NAME_MAX = 255;
    /**
     * The prefix of a hashed record name: never a URL-encoded reference's (a canonical reference has a {@code /},
     * encoded {@code %2F}).
     */
    private static final String HASHED = "sha256-";

    private final Path root;
    private final LayerUnpack unpacker;
    private final StoreLock lock;

    ImageStore(Path root, LayerUnpack unpacker) throws IOException {
        this.root = root;
        this.unpacker = unpacker;
        for (String dir : List.of("blobs/sha256", "layers", "forms", "notes", "locks", "pins", "images", "tmp")) {
            Files.createDirectories(root.resolve(dir));
        }
        this.lock = StoreLock.of(root.resolve("lock"));
    }

    /**
     * Opens (creating if needed) a store in a directory.
     *
     * @param root the store's directory
     * @return the store
     * @throws IOException           if the directories cannot be made
     * @throws IllegalStateException if Jackson or Commons Compress is missing ({@link ImageSupport#require()})
     */
    public static ImageStore open(Path root) throws IOException {
        ImageSupport.require();
        return new ImageStore(root, LayerUnpack.SECURE);
    }

    /**
     * Opens (creating if needed) a store whose layers may each write at most {@code maxLayerBytes} of file content
     * and hold at most {@code maxLayerEntries} tar entries (the defaults: {@link UnpackOptions#DEFAULT_MAX_BYTES},
     * {@link UnpackOptions#DEFAULT_MAX_ENTRIES}). A layer beyond them (a gzip bomb) fails its import or pull with
     * an {@link UnpackException} ({@code SIZE_LIMIT}, {@code ENTRY_LIMIT}) naming the layer, and leaves no layer.
     *
     * @param root            the store's directory
     * @param maxLayerBytes   the most file content bytes one layer may write; positive
     * @param maxLayerEntries the most tar entries one layer may hold; positive
     * @return the store
     * @throws IOException              if the directories cannot be made
     * @throws IllegalArgumentException if a limit is not positive
     * @throws IllegalStateException    if Jackson or Commons Compress is missing ({@link ImageSupport#require()})
     */
    public static ImageStore open(Path root, long maxLayerBytes, long maxLayerEntries) throws IOException {
        ImageSupport.require();
        return new ImageStore(root, LayerUnpack.secure(maxLayerBytes, maxLayerEntries));
    }

    /**
     * Opens the default store: {@code /var/lib/panamax} for root, else {@code $XDG_DATA_HOME/panamax} or
     * {@code ~/.local/share/panamax}.
     *
     * @return the store
     * @throws IOException           if the directories cannot be made
     * @throws IllegalStateException if Jackson or Commons Compress is missing
     */
    public static ImageStore openDefault() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return open(defaultRoot(Integer.valueOf(0).equals(uid), System.getenv(),
                Path.of(System.getProperty("user.home"))));
    }

    /** The default root for an effective root user or another, given the environment and home directory. */
    static Path defaultRoot(boolean isRoot, Map<String, String> env, Path home) {
        if (isRoot) {
            return Path.of("/var/lib/panamax");
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && xdg.startsWith("/")) { // the XDG spec ignores a relative value
            return Path.of(xdg, "panamax");
        }
        return home.resolve(".local/share/panamax");
    }

    /**
     * The store's directory.
     *
     * @return the root given to {@link #open}
     */
    public Path root() {
        return root;
    }

    /**
     * Where a blob is stored (it may be absent).
     *
     * @param digest the blob's digest
     * @return {@code ROOT/blobs/sha256/HEX}
     */
    public Path blobPath(Digest digest) {
        return root.resolve("blobs/sha256").resolve(digest.hex());
    }

    /**
     * Where a layer blob is unpacked (it may be absent).
     *
     * @param layer the layer blob's digest
     * @return {@code ROOT/layers/HEX}
     */
    public Path layerPath(Digest layer) {
        return root.resolve("layers").resolve(layer.hex());
    }

    /**
     * A layer's pin: a launch from {@link Image#root()} holds a shared {@code flock(2)} on it while its container
     * runs, and {@link #prune()} spares the layer while anyone does (it may be absent).
     *
     * @param layer the layer blob's digest
     * @return {@code ROOT/pins/HEX}
     */
    public Path pinPath(Digest layer) {
        return root.resolve("pins").resolve(layer.hex());
    }

    /** Where a blob's download is kept until complete: a temporary name of its digest, so a later pull resumes it. */
    Path partialBlobPath(Digest digest) {
        return root.resolve("blobs/sha256").resolve(TMP + "part-" + digest.hex());
    }

    /** The lock of one digest, for threads and JVMs: a blob's download, a layer's unpacking. */
    StoreLock digestLock(Digest digest) {
        return StoreLock.of(root.resolve("locks").resolve(digest.hex() + ".lock"));
    }

    /**
     * Stores a blob from a stream, verifying its digest and size while writing it under a temporary name, then
     * renaming it into place. A blob already present is kept (the stream is not read). A blob no image references
     * is removed by the next {@link #prune()}.
     *
     * @param in       the content
     * @param expected its digest
     * @param size     its size in bytes, or -1 if unknown
     * @return the blob's path
     * @throws IOException if writing fails, or the content's digest or size differs (named, nothing kept)
     */
    public Path putBlob(InputStream in, Digest expected, long size) throws IOException {
        Path target = blobPath(expected);
        if (Files.exists(target)) {
            return target;
        }
        Path tmp = StoreFiles.tempName(target.getParent());
        try (StoreLock.Held held = lock.shared()) { // no prune while it is written
            MessageDigest md = Digest.sha256();
            long written = 0;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream stream = Channels.newOutputStream(out)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    written += n;
                    if (size >= 0 && written > size) {
                        throw new IOException("blob " + expected + ": longer than its size " + size);
                    }
                    md.update(buffer, 0, n);
                    stream.write(buffer, 0, n);
                }
                out.force(true);
            }
            if (size >= 0 && written != size) {
                throw new IOException("blob " + expected + ": " + written + " bytes, its descriptor says " + size);
            }
            Digest actual = Digest.of(md);
            if (!actual.equals(expected)) {
                throw new IOException("blob " + expected + ": its content has digest " + actual);
            }
            StoreFiles.move(tmp, target);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Stores bytes as a blob under their digest.
     *
     * @param bytes the content
     * @return its digest
     * @throws IOException if writing fails
     */
    public Digest putBlob(byte[] bytes) throws IOException {
        Digest digest = Digest.of(bytes);
        putBlob(new java.io.ByteArrayInputStream(bytes), digest, bytes.length);
        return digest;
    }

    /**
     * Reads a stored JSON blob (manifest, config) of at most 4 MiB.
     *
     * @param digest the blob's digest
     * @return its bytes
     * @throws IOException if it is missing, larger than the limit or unreadable
     */
    public byte[] readDocument(Digest digest) throws IOException {
        return StoreFiles.readLimited(blobPath(digest), "blob " + digest);
    }

    /**
     * Unpacks a stored layer blob into {@code layers/HEX} once: under the layer's own lock (threads and JVMs), into a
     * temporary directory renamed into place when complete; a layer present already is returned as it is. What the
     * unpacking skipped or dropped is recorded with the layer: {@link #unpackNotes}.
     *
     * @param layer the layer blob's digest (the blob must be stored)
     * @return the layer's directory
     * @throws IOException if the blob is missing or unpacking fails (nothing is left under the final name)
     */
    public Path unpackLayer(Digest layer) throws IOException {
        Path target = layerPath(layer);
        if (Files.isDirectory(target)) {
            return target;
        }
        try (StoreLock.Held store = lock.shared(); // no prune while it is unpacked
             StoreLock.Held held = digestLock(layer).exclusive()) {
            if (Files.isDirectory(target)) {
                return target; // another thread or JVM unpacked it while this one waited
            }
            Path tmp = StoreFiles.tempName(target.getParent());
            Files.createDirectory(tmp);
            try {
                boolean rootless = unpacker.rootless();
                List<String> notes;
                try (InputStream in = Files.newInputStream(blobPath(layer))) {
                    notes = unpacker.unpack(in, layer, tmp);
                } catch (NoSuchFileException e) {
                    throw new IOException("layer " + layer + ": its blob is not stored", e);
                }
                writeNotes(layer, notes);
                writeForm(layer, rootless); // before the layer is in place: a layer in place has its form
                StoreFiles.move(tmp, target);
            } finally {
                if (Files.exists(tmp)) {
                    StoreFiles.deleteTree(tmp);
                }
            }
            return target;
        }
    }

    private void writeForm(Digest layer, boolean rootless) throws IOException {
        replace(root.resolve("forms").resolve(layer.hex()), rootless ? "rootless\n" : "root\n");
    }

    /** Records a layer's notes, one a line ({@code \} and line breaks escaped); none: no file. */
    private void writeNotes(Digest layer, List<String> notes) throws IOException {
        Path file = root.resolve("notes").resolve(layer.hex());
        if (notes.isEmpty()) {
            Files.deleteIfExists(file); // a crashed unpack's
            return;
        }
        StringBuilder text = new StringBuilder();
        for (String note : notes) {
            text.append(note.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")).append('\n');
        }
        replace(file, text.toString());
    }

    /** Writes a small file under a temporary name and renames it over what the name held. */
    private static void replace(Path file, String text) throws IOException {
        Path tmp = StoreFiles.tempName(file.getParent());
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, // replaces a crashed unpack's
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * What unpacking a layer skipped or dropped, one note each, as {@link LayerUnpacker} says it
     * ({@link UnpackSummary#notes()}): a device node not made rootless, an extended attribute dropped, owners not
     * applied rootless. Recorded when the layer is unpacked (a layer unpacked by a store of an earlier version has
     * none recorded); {@link RegistryClient#pull} also tells them to its {@link PullListener#layerNote}.
     *
     * @param layer the layer blob's digest
     * @return the notes, in the unpacker's order; empty when there are none
     * @throws IOException if the record cannot be read
     */
    public List<String> unpackNotes(Digest layer) throws IOException {
        Path file = root.resolve("notes").resolve(layer.hex());
        String text;
        try {
            text = new String(StoreFiles.readLimited(file, "layer notes " + layer), StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            return List.of();
        }
        List<String> notes = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                notes.add(unescape(line));
            }
        }
        return List.copyOf(notes);
    }

    /** A note as {@link #writeNotes} escaped it. */
    private static String unescape(String line) {
        StringBuilder note = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                note.append(e == 'n' ? '\n' : e == 'r' ? '\r' : e);
            } else {
                note.append(c);
            }
        }
        return note.toString();
    }

    /**
     * Whether an unpacked layer's opaque directories (and, unpacked by earlier versions, whiteouts) are in the
     * rootless form ({@code user.overlay.*}, for an overlay mounted with {@code userxattr}): as recorded when it
     * was unpacked, or for a layer unpacked before the store recorded it, whether its directory belongs to another
     * user than root (the store unpacks as root in root's form, as any other user in the rootless form).
     *
     * @param layer the layer blob's digest
     * @return true for the rootless form
     * @throws IOException if the layer is not unpacked, or its record is neither {@code root} nor {@code rootless}
     */
    public boolean unpackedRootless(Digest layer) throws IOException {
        Path file = root.resolve("forms").resolve(layer.hex());
        String form;
        try {
            form = new String(StoreFiles.readLimited(file, "layer form " + layer), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            try {
                return (int) Files.getAttribute(layerPath(layer), "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        != 0;
            } catch (NoSuchFileException missing) {
                throw new IOException("layer " + layer + ": not unpacked", missing);
            }
        }
        return switch (form) {
            case "rootless" -> true;
            case "root" -> false;
            default -> throw new IOException("layer form " + file + ": neither root nor rootless");
        };
    }

    /**
     * An image ready to run: its config read, its layers unpacked (those not yet unpacked are unpacked now, under
     * the store's locks, as by {@link #unpackLayer}).
     *
     * @param reference the image's reference
     * @return the image
     * @throws IOException naming the reference if the store holds no such image, or a blob is missing or malformed,
     *                     or unpacking a layer fails
     */
    public Image image(ImageReference reference) throws IOException {
        ImageRecord record = find(reference).orElseThrow(() -> new IOException("image " + reference
                + ": not in the store " + root));
        ImageManifest manifest = manifest(record);
        ImageConfig config = config(record, manifest);
        List<Path> dirs = new ArrayList<>();
        List<Boolean> rootless = new ArrayList<>();
        List<Path> pins = new ArrayList<>();
        Map<Digest, List<String>> notes = new LinkedHashMap<>();
        for (Descriptor layer : manifest.layers()) {
            dirs.add(unpackLayer(layer.digest()));
            rootless.add(unpackedRootless(layer.digest()));
            pins.add(pin(layer.digest()));
            List<String> layerNotes = unpackNotes(layer.digest());
            if (!layerNotes.isEmpty()) {
                notes.put(layer.digest(), layerNotes);
            }
        }
        return new Image(record, config, manifest.layers().stream().map(Descriptor::digest).toList(), dirs, rootless,
                notes, pins);
    }

    /** A layer's pin file, made if missing (the layer was unpacked before the store had pins, or was pruned). */
    private Path pin(Digest layer) throws IOException {
        Path pin = pinPath(layer);
        try {
            Files.createFile(pin);
        } catch (java.nio.file.FileAlreadyExistsException present) {
            // the usual case
        }
        return pin;
    }

    /**
     * Records an image: {@code reference} now names the manifest (replacing what it named before). The manifest
     * blob must be stored.
     *
     * @param reference the reference
     * @param manifest  the manifest's digest
     * @return the record
     * @throws IOException if the manifest blob is missing or writing fails
     */
    ImageRecord record(ImageReference reference, Digest manifest) throws IOException {
        if (!Files.exists(blobPath(manifest))) {
            throw new IOException("image " + reference + ": manifest blob " + manifest + " is not stored");
        }
        Path file = recordPath(reference);
        Path tmp = StoreFiles.tempName(file.getParent());
        String text = manifest + "\n" + (hashed(file) ? reference + "\n" : "");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                out.force(true); // on disk before the rename makes it the record
            }
            StoreFiles.move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new ImageRecord(reference, manifest);
    }

    /**
     * The record file of a reference: {@code images/} the URL-encoded reference, or, when that is longer than
     * {@value #RECORD_NAME_MAX} bytes (a long name with a long tag), {@code images/sha256-HEX} of the reference.
     */
    Path recordPath(ImageReference reference) {
        String encoded = URLEncoder.encode(reference.toString(), StandardCharsets.UTF_8);
        if (encoded.length() > RECORD_NAME_MAX) {
            encoded = HASHED + Digest.of(reference.toString().getBytes(StandardCharsets.UTF_8)).hex();
        }
        return root.resolve("images").resolve(encoded);
    }

    private static boolean hashed(Path record) {
        return record.getFileName().toString().startsWith(HASHED);
    }

    /**
     * Reads a record file: the manifest digest on its first line; a hashed one's reference on its second, checked
     * against the file's name.
     *
     * @param reference the reference the file is named after, or null to take it from the name or the file
     * @throws NoSuchFileException if there is no such record
     * @throws IOException         naming the file if it is malformed
     */
    private ImageRecord readRecord(Path file, ImageReference reference) throws IOException {
        try {
            String[] lines = Files.readString(file).split("\n"); // a missing file: NoSuchFileException
            Digest manifest = Digest.parse(lines[0].strip());
            if (hashed(file)) {
                ImageReference stored = ImageReference.parse(lines.length > 1 ? lines[1].strip() : "");
                if (!recordPath(stored).equals(file) || reference != null && !stored.equals(reference)) {
                    throw new IllegalArgumentException("holds the reference " + stored + ", not the one its name"
                            + " is the hash of");
                }
                reference = stored;
            } else if (reference == null) {
                reference = ImageReference.parse(URLDecoder.decode(file.getFileName().toString(),
                        StandardCharsets.UTF_8));
            }
            return new ImageRecord(reference, manifest);
        } catch (IllegalArgumentException e) {
            throw new IOException("image record " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The images in the store, sorted by reference.
     *
     * @return the records
     * @throws IOException if the records cannot be read (a malformed one is named)
     */
    public List<ImageRecord> list() throws IOException {
        List<ImageRecord> records = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root.resolve("images"))) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    continue; // a record being written
                }
                try {
                    records.add(readRecord(file, null));
                } catch (NoSuchFileException e) {
                    // removed since listed
                }
            }
        }
        records.sort(Comparator.comparing(r -> r.reference().toString()));
        return records;
    }

    /**
     * The image a reference names.
     *
     * @param reference the reference
     * @return its record, or empty
     * @throws IOException if the record cannot be read
     */
    public Optional<ImageRecord> find(ImageReference reference) throws IOException {
        try {
            return Optional.of(readRecord(recordPath(reference), reference));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * An image's manifest.
     *
     * @param image the image
     * @return its manifest
     * @throws IOException if the blob is missing or malformed
     */
    public ImageManifest manifest(ImageRecord image) throws IOException {
        try {
            return ImageManifest.parse(readDocument(image.manifest()));
        } catch (IllegalArgumentException e) {
            throw new IOException("image " + image.reference() + ": " + e.getMessage(), e);
        }
    }

    /**
     * An image's config.
     *
     * @param image the image
     * @return its config
     * @throws IOException if a blob is missing or malformed
     */
    public ImageConfig config(ImageRecord image) throws IOException {
        return config(image, manifest(image));
    }

    private ImageConfig config(ImageRecord image, ImageManifest manifest) throws IOException {
        try {
            return ImageConfig.parse(readDocument(manifest.config().digest()));
        } catch (IllegalArgumentException e) {
            throw new IOException("image " + image.reference() + ": " + e.getMessage(), e);
        }
    }

    /**
     * An image's unpacked layer directories, bottom first (what an overlay or a copy stacks).
     *
     * @param image the image
     * @return the directories
     * @throws IOException if the manifest is missing, or a layer is not unpacked (named)
     */
    public List<Path> layers(ImageRecord image) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Descriptor layer : manifest(image).layers()) {
            Path dir = layerPath(layer.digest());
            if (!Files.isDirectory(dir)) {
                throw new IOException("image " + image.reference() + ": layer " + layer.digest() + " is not unpacked");
            }
            dirs.add(dir);
        }
        return dirs;
    }

    /**
     * Imports an image of an OCI image layout directory (as {@code umoci} and {@code skopeo copy ... oci:DIR:TAG}
     * write them) for this JVM's platform: see {@link #importLayout(Path, String, Platform)}.
     *
     * @param layout  the layout directory
     * @param refName the image's name, e.g. {@code app:1.0}
     * @return the record
     * @throws IOException naming the layout and what is wrong: no such name, a missing or corrupt blob, no
     *                     manifest for the platform, a malformed document
     */
    public ImageRecord importLayout(Path layout, String refName) throws IOException {
        return importLayout(layout, refName, Platform.current());
    }

    /**
     * Imports an image of an OCI image layout directory: the {@code index.json} entry whose
     * {@code org.opencontainers.image.ref.name} is {@code refName} or its tag ({@code app:1.0} finds {@code 1.0}),
     * its manifest for {@code platform} when the entry is an index, the config and the layers (each blob's digest
     * and size verified, each layer unpacked once), then stored as {@code ImageReference.parse(refName)}.
     *
     * @param layout   the layout directory
     * @param refName  the image's name, e.g. {@code app:1.0}
     * @param platform the platform to take from a multi-platform image
     * @return the record
     * @throws IOException naming the layout and what is wrong
     */
    public ImageRecord importLayout(Path layout, String refName, Platform platform) throws IOException {
        ImageReference reference;
        try {
            reference = ImageReference.parse(refName);
        } catch (IllegalArgumentException e) {
            throw new IOException("OCI layout " + layout + ": " + e.getMessage(), e);
        }
        LayoutImport in = new LayoutImport(this, layout);
        return in.importImage(LayoutImport.entry(in.index(), refName, layout), reference, platform);
    }

    /**
     * Imports the images of an {@code oci-archive} or {@code docker save} tar (told apart by their content),
     * each under the name it carries (docker's {@code RepoTags}; the OCI entry's {@code io.containerd.image.name}
     * or {@code org.opencontainers.image.ref.name}), for this JVM's platform.
     *
     * @param archive the tar file
     * @return the records, one per name
     * @throws IOException naming the archive and what is wrong (an unnamed image, a member outside the archive,
     *                     a missing or corrupt blob, a malformed document)
     */
    public List<ImageRecord> importArchive(Path archive) throws IOException {
        return new ArchiveImport(this, archive).importAll(null, Platform.current());
    }

    /**
     * Imports one image of an {@code oci-archive} or {@code docker save} tar under a name of the caller's: the
     * only image, or the OCI entry so named (as {@link #importLayout(Path, String, Platform)}), or docker's first.
     *
     * @param archive  the tar file
     * @param refName  the name to store it under, e.g. {@code app:1.0}
     * @param platform the platform to take from a multi-platform image
     * @return the record
     * @throws IOException naming the archive and what is wrong
     */
    public ImageRecord importArchive(Path archive, String refName, Platform platform) throws IOException {
        return new ArchiveImport(this, archive).importAll(refName, platform).get(0);
    }

    /**
     * Pulls an image from its registry into this store for this JVM's platform ({@link RegistryClient#pull}).
     *
     * @param reference the image, e.g. {@code registry.example:5000/app:1.0}
     * @param client    the client (credentials, insecure registries, retries)
     * @return the record, found by {@link #find} afterwards
     * @throws IOException naming the registry and the reference or blob and what failed ({@link RegistryException}
     *                     for 401, 404, 5xx and connection refused)
     */
    public ImageRecord pull(ImageReference reference, RegistryClient client) throws IOException {
        return client.pull(this, reference);
    }

    /**
     * Removes an image's record (its blobs and layers stay until {@link #prune()}).
     *
     * @param reference the image's reference
     * @return whether there was such an image
     * @throws IOException if the record cannot be removed
     */
    public boolean remove(ImageReference reference) throws IOException {
        try (StoreLock.Held held = lock.exclusive()) {
            return Files.deleteIfExists(recordPath(reference));
        }
    }

    /**
     * Removes the blobs and unpacked layers no image references, and what interrupted writes left, while no
     * import runs (exclusive store lock). A layer a running container uses (its pin is held, by this JVM or
     * another process) stays, counted in {@link PruneResult#layersInUse()}, until a prune after that container
     * is closed; its blob goes.
     *
     * @return what was removed
     * @throws IOException if a record cannot be read or a file cannot be removed
     */
    public PruneResult prune() throws IOException {
        try (StoreLock.Held held = lock.exclusive()) {
            Set<String> keep = new HashSet<>();
            for (ImageRecord image : list()) {
                keep.add(image.manifest().hex());
                ImageManifest manifest = manifest(image);
                keep.add(manifest.config().digest().hex());
                manifest.layers().forEach(l -> keep.add(l.digest().hex()));
            }
            int[] debris = {0};
            int blobs = sweep(root.resolve("blobs/sha256"), keep, debris);
            int layers = 0;
            int inUse = 0;
            for (Path layer : StoreFiles.children(root.resolve("layers"))) {
                String name = layer.getFileName().toString();
                if (keep.contains(name) || name.startsWith(TMP)) {
                    continue; // debris is swept below
                }
                if (removeUnpinned(layer, root.resolve("pins").resolve(name))) {
                    layers++;
                } else {
                    keep.add(name); // its form, notes and pin stay with it
                    inUse++;
                }
            }
            sweep(root.resolve("layers"), keep, debris);
            sweep(root.resolve("forms"), keep, debris); // a layer's form, notes and pin go with it
            sweep(root.resolve("notes"), keep, debris);
            sweep(root.resolve("pins"), keep, debris);
            for (String dir : List.of("images", "tmp")) {
                for (Path p : StoreFiles.children(root.resolve(dir))) {
                    if (dir.equals("tmp") || p.getFileName().toString().startsWith(TMP)) {
                        StoreFiles.deleteTree(p);
                        debris[0]++;
                    }
                }
            }
            return new PruneResult(blobs, layers, debris[0], inUse);
        }
    }

    /**
     * Deletes a layer unless a container holds its pin: takes the pin's {@code flock(2)} exclusively without
     * waiting, and holds it while the layer is deleted, so a launch that pins it meanwhile waits and then finds
     * the layer gone (rather than a half-deleted one). A missing pin is held by nobody.
     *
     * @return false when the pin is held
     */
    private static boolean removeUnpinned(Path layer, Path pin) throws IOException {
        Optional<Flock> held;
        try {
            held = Flock.tryExclusive(pin);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.number("ENOENT")) {
                throw new IOException("pin " + pin + ": " + e.getMessage(), e);
            }
            StoreFiles.deleteTree(layer);
            return true;
        }
        if (held.isEmpty()) {
            return false;
        }
        try (Flock mine = held.get()) {
            StoreFiles.deleteTree(layer);
            Files.deleteIfExists(pin); // while held: a launch waiting on it then finds the layer gone
            return true;
        }
    }

    /** Deletes what {@code keep} does not name in a directory: returns the count, temporaries counted in debris. */
    private static int sweep(Path dir, Set<String> keep, int[] debris) throws IOException {
        int removed = 0;
        for (Path p : StoreFiles.children(dir)) {
            String name = p.getFileName().toString();
            if (!keep.contains(name)) {
                StoreFiles.deleteTree(p);
                if (name.startsWith(TMP)) {
                    debris[0]++;
                } else {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Takes the store lock shared, for an import. */
    StoreLock.Held importing() throws IOException {
        return lock.shared();
    }

    /** A fresh temporary directory under {@code ROOT/tmp} (archives being read). */
    Path tempDirectory() throws IOException {
        return Files.createDirectory(StoreFiles.tempName(root.resolve("tmp")));
    }
}
