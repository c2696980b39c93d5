package dev.panamax.rootfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Re-creates host files at the same paths under a root directory: every symlink met on the way
 * (a merged-/usr {@code /lib -> usr/lib}, a {@code libc.so.6 -> libc-2.36.so}) becomes the same
 * symlink inside, every directory a directory with the host's mode, every file a <em>copy</em>.
 *
 * <p>Files are copied, never hard-linked: a hard link shares the inode, so a root process in a
 * container with a writable root could rewrite the host's own {@code /bin/sh}. An existing copy with
 * the same size and modification time is left alone, which makes rebuilding the same root fast and
 * idempotent. Nothing inside the root is followed: each path component is checked with
 * {@code lstat}, and a component whose kind differs from the host's is an error, never overwritten.
 *
 * <p>A whole directory ({@link #tree}) is mirrored exactly: what the host's directory no longer holds is
 * removed from the copy, so a rebuild after a host upgrade leaves no stale module behind.
 *
 * <pre>{@code
 * HostMirror mirror = new HostMirror(Path.of("/srv/rootfs"));
 * mirror.install(Path.of("/bin/sh")); // bin -> usr/bin, usr/bin/sh -> dash, usr/bin/dash (a copy)
 * mirror.tree(Path.of("/usr/lib/python3.11"), file -> { });  // every file, directory and symlink in it
 * }</pre>
 */
final class HostMirror {
    private static final Path HOST_ROOT = Path.of("/");
    private static final int MAX_SYMLINKS = 40; // the kernel's limit for one path lookup
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;
    private long copiedFiles, copiedBytes, keptFiles;

    /** {@code root}: an existing directory, given as its real path. */
    HostMirror(Path root) {
        this.root = root;
    }

    /** Mirrors the host path {@code hostPath} (and each symlink on the way); returns its real path. */
    Path install(Path hostPath) {
        Path current = HOST_ROOT;
        Deque<String> rest = components(hostPath);
        int hops = 0;
        while (!rest.isEmpty()) {
            String name = rest.pop();
            if (name.equals("..")) {
                current = current.getParent() == null ? HOST_ROOT : current.getParent();
                continue;
            }
            Path host = current.resolve(name);
            BasicFileAttributes attrs = attributes(host, hostPath);
            if (attrs.isSymbolicLink()) {
                if (++hops > MAX_SYMLINKS) {
                    throw new RootfsException("too many symlinks resolving " + hostPath);
                }
                Path target = readLink(host);
                symlink(inside(host), target);
                List<String> targetParts = List.copyOf(components(target));
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    rest.push(targetParts.get(i));
                }
                if (target.isAbsolute()) {
                    current = HOST_ROOT;
                }
            } else if (attrs.isDirectory()) {
                directory(inside(host), mode(host));
                current = host;
            } else if (attrs.isRegularFile() && rest.isEmpty()) {
                copy(host, inside(host), attrs);
                current = host;
            } else {
                throw new RootfsException(host + " (on the way to " + hostPath + ") is "
                        + (attrs.isRegularFile() ? "a file, not a directory" : "not a file, directory or symlink"));
            }
        }
        return current;
    }

    /**
     * Mirrors the host directory {@code hostDir} (and each symlink on the way) with everything under it:
     * directories, copies of regular files, symlinks as they are (their targets are not followed). Entries
     * of the copy that the host's directory does not have, or has as another kind, are removed first.
     * Calls {@code eachFile} with the host path of every regular file in it.
     */
    void tree(Path hostDir, Consumer<Path> eachFile) {
        Path real = install(hostDir);
        if (!Files.isDirectory(real, NOFOLLOW)) {
            throw new RootfsException(hostDir + " is not a directory");
        }
        try {
            Files.walkFileTree(real, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    directory(inside(dir), mode(dir));
                    prune(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isSymbolicLink()) {
                        symlink(inside(file), readLink(file));
                    } else if (attrs.isRegularFile()) {
                        copy(file, inside(file), attrs);
                        eachFile.accept(file);
                    } else {
                        throw new RootfsException(file + " (in " + hostDir + ") is not a file, directory or symlink");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw failed("read directory", hostDir, e);
        }
    }

    /** Removes what the copy of the host directory {@code hostDir} holds but the host does not (as that kind). */
    private void prune(Path hostDir) throws IOException {
        List<Path> stale;
        try (Stream<Path> entries = Files.list(inside(hostDir))) {
            stale = entries.filter(copy -> {
                BasicFileAttributes host = existing(hostDir.resolve(copy.getFileName().toString()));
                BasicFileAttributes mine = existing(copy);
                return host == null || mine == null || host.isDirectory() != mine.isDirectory()
                        || host.isSymbolicLink() != mine.isSymbolicLink();
            }).toList();
        }
        for (Path path : stale) {
            delete(path);
        }
    }

    /** Deletes {@code path} and, for a directory, everything in it; never follows a symlink. */
    private static void delete(Path path) throws IOException {
        List<Path> deepestFirst;
        try (Stream<Path> all = Files.walk(path)) { // walk follows no symlink unless told to
            deepestFirst = all.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : deepestFirst) {
            Files.delete(p);
        }
    }

    /** Ensures {@code path} (inside the root) is a directory with exactly {@code mode}. */
    void directory(Path path, int mode) {
        BasicFileAttributes attrs = existing(path);
        try {
            if (attrs == null) {
                Files.createDirectory(path);
            } else if (!attrs.isDirectory()) {
                throw conflict(path, "a directory");
            }
            if (mode(path) != mode) { // set explicitly: the umask narrows it and only chmod sets the sticky bit
                Files.setAttribute(path, "unix:mode", mode, NOFOLLOW);
            }
        } catch (IOException e) {
            throw failed("create directory", path, e);
        }
    }

    /** Ensures {@code path} (inside the root) is a symlink to {@code target}. */
    void symlink(Path path, Path target) {
        BasicFileAttributes attrs = existing(path);
        try {
            if (attrs != null && attrs.isSymbolicLink() && Files.readSymbolicLink(path).equals(target)) {
                return;
            }
            if (attrs != null && attrs.isDirectory()) {
                throw conflict(path, "a symlink to " + target);
            }
            if (attrs != null) {
                Files.delete(path); // a stale link, or a file the host has since turned into a link
            }
            Files.createSymbolicLink(path, target);
        } catch (IOException e) {
            throw failed("create symlink", path, e);
        }
    }

    /** Ensures {@code path} (inside the root) is a file holding {@code content} with {@code mode}. */
    void file(Path path, String content, int mode) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        BasicFileAttributes attrs = existing(path);
        try {
            if (attrs != null && !attrs.isRegularFile()) {
                throw conflict(path, "a regular file");
            }
            if (attrs == null || attrs.size() != bytes.length || !Arrays.equals(Files.readAllBytes(path), bytes)) {
                Files.write(path, bytes);
            }
            if (mode(path) != mode) {
                Files.setAttribute(path, "unix:mode", mode, NOFOLLOW);
            }
        } catch (IOException e) {
            throw failed("write", path, e);
        }
    }

    /** The path inside the root for an absolute host path. */
    Path inside(Path host) {
        return root.resolve(HOST_ROOT.relativize(host).toString());
    }

    long copiedFiles() {
        return copiedFiles;
    }

    long copiedBytes() {
        return copiedBytes;
    }

    long keptFiles() {
        return keptFiles;
    }

    private void copy(Path host, Path path, BasicFileAttributes hostAttrs) {
        BasicFileAttributes attrs = existing(path);
        if (attrs != null && attrs.isRegularFile() && attrs.size() == hostAttrs.size()
                && attrs.lastModifiedTime().equals(hostAttrs.lastModifiedTime())) {
            keptFiles++;
            return;
        }
        if (attrs != null && attrs.isDirectory()) {
            throw conflict(path, "a copy of " + host);
        }
        // Copy beside and rename over: writing in place into a binary a container is running fails
        // with ETXTBSY, and a reader never sees half a file. COPY_ATTRIBUTES keeps mode and times.
        Path temp = path.resolveSibling("." + path.getFileName() + ".panamax-copy");
        try {
            Files.copy(host, temp, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
                    NOFOLLOW);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            copiedFiles++;
            copiedBytes += hostAttrs.size();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw failed("copy " + host + " to", path, e);
        }
    }

    private static Deque<String> components(Path path) {
        Deque<String> parts = new ArrayDeque<>();
        for (Path part : path) {
            if (!part.toString().equals(".")) {
                parts.add(part.toString());
            }
        }
        return parts;
    }

    private static BasicFileAttributes attributes(Path host, Path wanted) {
        try {
            return Files.readAttributes(host, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            throw new RootfsException(host + " does not exist (resolving " + wanted + ")", e);
        } catch (IOException e) {
            throw failed("stat", host, e);
        }
    }

    private static BasicFileAttributes existing(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failed("stat", path, e);
        }
    }

    private static Path readLink(Path link) {
        try {
            return Files.readSymbolicLink(link);
        } catch (IOException e) {
            throw failed("readlink", link, e);
        }
    }

    private static int mode(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW) & 07777;
        } catch (IOException e) {
            throw failed("stat", path, e);
        }
    }

    private RootfsException conflict(Path path, String wanted) {
        return new RootfsException(path + " already exists in the rootfs " + root + " but is not " + wanted
                + "; remove it or build into an empty directory");
    }

    private static RootfsException failed(String what, Path path, IOException e) {
        return new RootfsException("cannot " + what + " " + path + ": " + e, e);
    }
}
