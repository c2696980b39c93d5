package dev.panamax.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Directory trees in the image tests: a comparable listing, content sizes, whiteouts, deletion. */
final class Trees {
    private Trees() {}

    /**
     * One line per path below {@code root} (not following symlinks): type, mode, owner, link target or
     * content hash, sorted. Device nodes show their numbers; directories their mode only.
     */
    static String listing(Path root) throws IOException {
        return describe(root, false).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("\n"));
    }

    /**
     * The same with mtimes of non-directories but whiteouts (character devices 0/0: an unpacker makes them, as
     * containerd does, with no time from the layer).
     */
    static Map<String, String> describe(Path root, boolean mtimes) throws IOException {
        Map<String, String> lines = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String name = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,rdev,size,nlink,lastModifiedTime",
                        LinkOption.NOFOLLOW_LINKS);
                int mode = (int) a.get("mode");
                String what = switch (mode & 0170000) {
                    case 0040000 -> "dir";
                    case 0120000 -> "link->" + Files.readSymbolicLink(p);
                    case 0100000 -> "file " + sha256(p) + " links=" + a.get("nlink");
                    case 0020000 -> "chr " + a.get("rdev");
                    case 0060000 -> "blk " + a.get("rdev");
                    case 0010000 -> "fifo";
                    default -> "other";
                };
                String perms = (mode & 0170000) == 0120000 ? "" : String.format(" %04o", mode & 07777);
                boolean whiteout = (mode & 0170000) == 0020000 && ((Number) a.get("rdev")).longValue() == 0;
                String time = mtimes && (mode & 0170000) != 0040000 && !whiteout ? " " + a.get("lastModifiedTime") : "";
                lines.put(name.isEmpty() ? "." : name, what + perms + " " + a.get("uid") + ":" + a.get("gid") + time);
            }
        }
        return lines;
    }

    static long contentBytes(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code p} (not followed) is a character device 0:0, the overlay's whiteout. */
    static boolean isWhiteout(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        return ((int) a.get("mode") & 0170000) == 0020000 && (long) a.get("rdev") == 0;
    }

    /** Deletes {@code root} and everything below it, making read-only directories writable first. */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> tree = Files.walk(root)) { // does not follow symlinks
            paths = tree.toList();
        }
        for (Path p : paths) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.setAttribute(p, "unix:mode", 0700); // a read-only directory of a layer
            }
        }
        for (Path p : paths.reversed()) {
            Files.delete(p);
        }
    }
}
