package dev.panamax.image;

import dev.panamax.image.EntryName.RefusedName;
import dev.panamax.image.UnpackException.Rule;
import dev.panamax.sys.BeneathDirectory;
import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes the entries of one layer below its root directory (see {@link LayerUnpacker} for the rules).
 * Directory modes and mtimes are applied at {@link #finish()}, deepest first, so that a read-only
 * directory can still be filled and its mtime is not changed by its own entries.
 */
final class LayerWriter {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int MAX_NOTES = 200;
    private static final String XATTR_PREFIX = "SCHILY.xattr.";
    private static final int ENOENT = Errno.number("ENOENT");

    private final BeneathDirectory root;
    private final String layerDigest;
    private final UnpackOptions options;
    /** Paths of the non-directory entries written so far: what a hard link may name. */
    private final Set<String> written = new HashSet<>();
    /** Directory entries, by path: their mode and mtime wait for {@link #finish()}. */
    private final TreeMap<String, TarArchiveEntry> directories = new TreeMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private long entries;
    private long bytes;
    private long droppedNotes;

    LayerWriter(BeneathDirectory root, String layerDigest, UnpackOptions options) {
        this.root = root;
        this.layerDigest = layerDigest;
        this.options = options;
    }

    /** Writes one entry; {@code content} is positioned at its data. */
    void write(TarArchiveEntry entry, InputStream content) throws UnpackException {
        String raw = entry.getName();
        if (++entries > options.maxEntries()) {
            throw refuse(raw, Rule.ENTRY_LIMIT, "limit " + options.maxEntries() + " entries");
        }
        EntryName name;
        try {
            name = EntryName.parse(raw);
        } catch (RefusedName e) {
            throw LayerUnpacker.refused(layerDigest, raw, e, null);
        }
        if (name.isRoot()) {
            if (!entry.isDirectory() || entry.isSymbolicLink() || entry.isLink()) {
                throw refuse(raw, Rule.REPLACES_ROOT, null);
            }
            return; // the target directory is the caller's: its owner and mode stay
        }
        try (BeneathDirectory parent = parent(name, raw, true)) {
            String leaf = name.leaf();
            if (leaf.startsWith(EntryName.WHITEOUT_PREFIX)) {
                whiteout(parent, name, raw);
            } else if (entry.isSymbolicLink()) {
                replaceable(parent, leaf);
                parent.symlink(leaf, checkedLinkText(entry, raw));
                metadata(parent, leaf, entry, false);
                written.add(name.path());
            } else if (entry.isLink()) {
                hardLink(parent, name, entry, raw);
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                special(parent, name, entry);
            } else if (entry.isDirectory()) { // by type, or (old archives) a name ending in '/'
                directory(parent, leaf, name, entry);
            } else if (isRegular(entry)) {
                replaceable(parent, leaf);
                regular(parent, leaf, entry, content, raw);
                metadata(parent, leaf, entry, true);
                written.add(name.path());
            } else {
                throw refuse(raw, Rule.UNSUPPORTED_TYPE, "type '" + (char) entry.getLinkFlag() + "'");
            }
        } catch (ErrnoException | IOException e) {
            throw e instanceof UnpackException u ? u : refuse(raw, Rule.WRITE_FAILED, e.getMessage(), e);
        } catch (InvalidPathException e) {
            throw refuse(raw, Rule.WRITE_FAILED, "the JVM cannot express the name as a path: start it with a UTF-8 "
                    + "locale (LANG=C.UTF-8)", e);
        }
    }

    /** Applies the directories' modes and mtimes, deepest first. */
    void finish() throws UnpackException {
        for (Map.Entry<String, TarArchiveEntry> d : directories.descendingMap().entrySet()) {
            EntryName name = new EntryName(List.of(d.getKey().split("/")));
            try (BeneathDirectory parent = parent(name, d.getValue().getName(), false)) {
                if (Files.isDirectory(parent.entry(name.leaf()), NOFOLLOW)) { // not replaced by a later entry
                    parent.chmod(name.leaf(), d.getValue().getMode());
                    parent.setModifiedTime(name.leaf(), d.getValue().getLastModifiedTime().toInstant());
                }
            } catch (ErrnoException | IOException e) {
                throw e instanceof UnpackException u ? u
                        : refuse(d.getValue().getName(), Rule.WRITE_FAILED, e.getMessage(), e);
            }
        }
    }

    UnpackSummary summary() {
        List<String> all = new ArrayList<>(notes);
        if (droppedNotes > 0) {
            all.add(droppedNotes + " more notes not kept");
        }
        return new UnpackSummary(entries, bytes, all);
    }

    /** The entry's directory, opened beneath the root; missing directories are made (mode 0755) if asked. */
    private BeneathDirectory parent(EntryName name, String raw, boolean create) throws UnpackException {
        List<String> parents = name.components().subList(0, name.components().size() - 1);
        try {
            return root.openBeneath(name.parent());
        } catch (ErrnoException e) {
            if (e.errno() != ENOENT || !create) {
                throw refuse(raw, Rule.THROUGH_SYMLINK, e.getMessage(), e);
            }
        }
        BeneathDirectory dir = root.openBeneath(".");
        try {
            for (String component : parents) {
                BeneathDirectory next;
                try {
                    next = dir.openBeneath(component);
                } catch (ErrnoException e) {
                    if (e.errno() != ENOENT) {
                        throw refuse(raw, Rule.THROUGH_SYMLINK, e.getMessage(), e);
                    }
                    Files.createDirectory(dir.entry(component));
                    dir.chmod(component, 0755);
                    next = dir.openBeneath(component);
                }
                dir.close();
                dir = next;
            }
            return dir;
        } catch (IOException | ErrnoException e) {
            dir.close();
            throw e instanceof UnpackException u ? u : refuse(raw, Rule.WRITE_FAILED, e.getMessage(), e);
        }
    }

    private void directory(BeneathDirectory parent, String leaf, EntryName name, TarArchiveEntry entry)
            throws IOException {
        Path path = parent.entry(leaf);
        if (!Files.isDirectory(path, NOFOLLOW)) {
            replaceable(parent, leaf);
            Files.createDirectory(path);
            parent.chmod(leaf, 0700); // its own mode at finish(): a 0555 directory must still take entries
        }
        owner(path, entry);
        xattrs(parent, leaf, entry);
        directories.put(name.path(), entry);
    }

    private void regular(BeneathDirectory parent, String leaf, TarArchiveEntry entry, InputStream content,
                         String raw) throws IOException {
        long size = entry.getRealSize();
        if (size > options.maxBytes() - bytes) {
            throw refuse(raw, Rule.SIZE_LIMIT, "entry of " + size + " bytes, limit " + options.maxBytes());
        }
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(parent.entry(leaf), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, NOFOLLOW)) {
            while (true) {
                int n;
                try {
                    n = content.read(buffer);
                } catch (IOException | RuntimeException e) {
                    throw e instanceof UnpackException u ? u : refuse(raw, Rule.MALFORMED, e.getMessage(), e);
                }
                if (n < 0) {
                    break;
                }
                if (n > options.maxBytes() - bytes) {
                    throw refuse(raw, Rule.SIZE_LIMIT, "limit " + options.maxBytes() + " bytes");
                }
                out.write(buffer, 0, n);
                bytes += n;
            }
        }
    }

    private void hardLink(BeneathDirectory parent, EntryName name, TarArchiveEntry entry, String raw)
            throws IOException {
        EntryName target;
        try {
            target = EntryName.parse(entry.getLinkName());
        } catch (RefusedName e) {
            throw refuse(raw, Rule.HARD_LINK_OUTSIDE, "target \"" + UnpackException.printable(entry.getLinkName())
                    + "\": " + e.rule().description());
        }
        if (target.isRoot() || !written.contains(target.path()) || target.equals(name)) {
            throw refuse(raw, Rule.HARD_LINK_OUTSIDE, "target \"" + UnpackException.printable(entry.getLinkName())
                    + "\" is not an earlier file of this layer");
        }
        try (BeneathDirectory targetParent = parent(target, raw, false)) {
            replaceable(parent, name.leaf());
            Files.createLink(parent.entry(name.leaf()), targetParent.entry(target.leaf())); // link(2): no follow
        }
        written.add(name.path());
    }

    private void special(BeneathDirectory parent, EntryName name, TarArchiveEntry entry) throws IOException {
        boolean fifo = entry.isFIFO();
        if (options.rootless() && !fifo) {
            note("skipped device node " + name.path() + " (" + entry.getDevMajor() + ":" + entry.getDevMinor()
                    + "): rootless");
            return;
        }
        int type = fifo ? S_IFIFO : entry.isCharacterDevice() ? S_IFCHR : S_IFBLK;
        replaceable(parent, name.leaf());
        parent.mknod(name.leaf(), type | 0600, fifo ? 0 : BeneathDirectory.device(entry.getDevMajor(),
                entry.getDevMinor()));
        metadata(parent, name.leaf(), entry, true);
        written.add(name.path());
    }

    /**
     * {@code .wh..wh..opq} makes the directory opaque, {@code .wh.NAME} whites out NAME with a character device 0:0
     * in either form: unprivileged {@code mknod} may make that one device since Linux 5.8, and every overlay reads
     * it from a lower layer, {@code userxattr} or not.
     */
    private void whiteout(BeneathDirectory parent, EntryName name, String raw) throws IOException {
        if (name.leaf().equals(EntryName.OPAQUE)) {
            parent.setXattr(".", overlayXattr("opaque"), new byte[] {'y'});
            return;
        }
        String hidden = name.leaf().substring(EntryName.WHITEOUT_PREFIX.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw refuse(raw, Rule.WHITEOUT_NAME, null);
        }
        if (hidden.startsWith(EntryName.WHITEOUT_PREFIX)) {
            note("skipped whiteout metadata entry " + name.path());
            return;
        }
        if (Files.exists(parent.entry(hidden), NOFOLLOW)) {
            return; // the same layer holds the name: its own entry wins over a whiteout of lower layers
        }
        try {
            parent.mknod(hidden, S_IFCHR, 0);
        } catch (ErrnoException e) { // no other form: one the overlay may not read would bring deleted files back
            throw refuse(raw, Rule.WHITEOUT_REFUSED, e.getMessage(), e);
        }
    }

    /** Removes what an entry replaces: anything but a directory that a directory entry keeps. */
    private void replaceable(BeneathDirectory parent, String leaf) throws IOException {
        Path path = parent.entry(leaf);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return;
        }
        if (attributes.isDirectory()) {
            try (Stream<Path> tree = Files.walk(path)) { // does not follow symlinks
                for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p); // children before their directory
                }
            }
        } else {
            Files.delete(path);
        }
    }

    /** Owner, mode (not for a symlink), extended attributes and mtime, in that order (chown clears setuid). */
    private void metadata(BeneathDirectory parent, String leaf, TarArchiveEntry entry, boolean hasMode)
            throws IOException {
        Path path = parent.entry(leaf);
        owner(path, entry);
        if (hasMode) {
            parent.chmod(leaf, entry.getMode());
        }
        if (hasMode) { // the kernel refuses user.* on a symlink
            xattrs(parent, leaf, entry);
        }
        parent.setModifiedTime(leaf, entry.getLastModifiedTime().toInstant());
    }

    private void owner(Path path, TarArchiveEntry entry) throws IOException {
        if (options.rootless()) {
            note("owners not applied: rootless (files belong to the caller)");
        } else {
            Files.setAttribute(path, "unix:uid", Math.toIntExact(entry.getLongUserId()), NOFOLLOW);
            Files.setAttribute(path, "unix:gid", Math.toIntExact(entry.getLongGroupId()), NOFOLLOW);
        }
    }

    /** The PAX {@code SCHILY.xattr.*} attributes this unpacker keeps (see {@link LayerUnpacker}). */
    private void xattrs(BeneathDirectory parent, String leaf, TarArchiveEntry entry) {
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            if (!header.getKey().startsWith(XATTR_PREFIX)) {
                continue;
            }
            String xattr = header.getKey().substring(XATTR_PREFIX.length());
            String value = header.getValue();
            boolean user = xattr.startsWith("user.") && !xattr.startsWith("user.overlay.");
            boolean capability = xattr.equals("security.capability") && !options.rootless()
                    && value.indexOf('\uFFFD') < 0;
            if (user || capability) {
                parent.setXattr(leaf, xattr, value.getBytes(StandardCharsets.UTF_8));
            } else {
                note("dropped extended attribute " + xattr + (options.rootless() ? " (rootless)" : ""));
            }
        }
    }

    private String checkedLinkText(TarArchiveEntry entry, String raw) throws UnpackException {
        String text = entry.getLinkName();
        if (text.indexOf('\0') >= 0) {
            throw refuse(raw, Rule.NUL_IN_NAME, "in the symlink's target");
        }
        return text;
    }

    private static boolean isRegular(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return flag == '0' || flag == 0 || flag == '7' || entry.isSparse();
    }

    /** {@code trusted.overlay.NAME}, or rootless {@code user.overlay.NAME} (an overlay mounted with userxattr). */
    private String overlayXattr(String name) {
        return (options.rootless() ? "user.overlay." : "trusted.overlay.") + name;
    }

    private void note(String note) {
        if (notes.size() < MAX_NOTES || notes.contains(note)) {
            notes.add(note);
        } else {
            droppedNotes++;
        }
    }

    private UnpackException refuse(String raw, Rule rule, String detail) {
        return refuse(raw, rule, detail, null);
    }

    private UnpackException refuse(String raw, Rule rule, String detail, Throwable cause) {
        return new UnpackException(layerDigest, raw, rule, detail, cause);
    }
}
