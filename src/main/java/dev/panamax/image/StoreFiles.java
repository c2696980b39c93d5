package dev.panamax.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The store's file steps: temporary names, atomic renames, bounded reads, tree deletion. */
final class StoreFiles {
    private static final AtomicLong TMP_COUNTER = new AtomicLong();

    private StoreFiles() {
    }

    /** Reads a file of at most {@link Json#MAX_DOCUMENT} bytes, naming it in errors. */
    static byte[] readLimited(Path file, String what) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(Json.MAX_DOCUMENT + 1);
            if (bytes.length > Json.MAX_DOCUMENT) {
                throw new IOException(what + ": larger than the limit of " + Json.MAX_DOCUMENT + " bytes for a JSON"
                        + " document");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new IOException(what + ": missing (" + file + ")", e);
        }
    }

    /** A fresh temporary name in a directory ({@code .tmp-PID-N}), unique across threads and JVMs. */
    static Path tempName(Path dir) {
        return dir.resolve(ImageStore.TMP + ProcessHandle.current().pid() + "-" + TMP_COUNTER.incrementAndGet());
    }

    /** Renames into place atomically; a directory present already (made meanwhile) wins. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            // the same content, stored meanwhile
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("renaming " + from + " to " + to + ": not atomic on this file system", e);
        }
    }

    static List<Path> children(Path dir) throws IOException {
        try (var stream = Files.list(dir)) {
            return stream.toList();
        }
    }

    /** Deletes a tree, making directories writable first (layers may hold read-only directories). */
    static void deleteTree(Path top) throws IOException {
        if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(top);
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (IOException | UnsupportedOperationException e) {
                    // deletion below names the problem if it matters
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
