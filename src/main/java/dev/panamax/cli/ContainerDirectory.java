package dev.panamax.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One container's directory under {@code --root}: {@code <root>/<id>/} with its state file {@code state.json}
 * (written to a temporary file and renamed over, so a reader sees the old or the new one whole) and its lock
 * file {@code lock}, which a command that changes the container holds (an exclusive {@link FileChannel#lock()})
 * from its first read to its last write. Closing releases the lock.
 */
final class ContainerDirectory implements AutoCloseable {
    static final String STATE = "state.json";
    static final String LOCK = "lock";

    private final Path dir;
    private final FileChannel lock;

    private ContainerDirectory(Path dir, FileChannel lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /**
     * Makes the directory of a new container and locks it.
     *
     * @param root the state root ({@code --root}), made if missing (mode 0700)
     * @param id   the container's id, checked
     * @return the locked directory
     * @throws CliException if a container with this id exists, or the directory cannot be made
     */
    static ContainerDirectory create(Path root, String id) {
        Path dir = root.resolve(Arguments.id(id));
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new CliException("container with id exists: " + id);
        } catch (IOException e) {
            throw new CliException(dir + ": cannot make the container's state directory: " + e);
        }
        return new ContainerDirectory(dir, lock(dir, id));
    }

    /**
     * Locks the directory of an existing container, waiting for another command that holds it.
     *
     * @param root the state root
     * @param id   the container's id
     * @return the locked directory; its state may be missing (a create that crashed before writing it)
     * @throws CliException "container does not exist" if there is no such directory (also when it was removed
     *                      while this command waited for the lock)
     */
    static ContainerDirectory open(Path root, String id) {
        Path dir = root.resolve(Arguments.id(id));
        if (!Files.isDirectory(dir)) {
            throw new CliException("container does not exist: " + id);
        }
        ContainerDirectory d = new ContainerDirectory(dir, lock(dir, id));
        if (!Files.isDirectory(dir)) { // removed by a delete that held the lock before us
            d.close();
            throw new CliException("container does not exist: " + id);
        }
        return d;
    }

    private static FileChannel lock(Path dir, String id) {
        Path file = dir.resolve(LOCK);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                channel.lock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            return channel;
        } catch (NoSuchFileException e) {
            throw new CliException("container does not exist: " + id);
        } catch (IOException e) {
            throw new CliException(file + ": cannot lock: " + e);
        }
    }

    /** {@return the directory} */
    Path path() {
        return dir;
    }

    /**
     * Reads the state file.
     *
     * @return the state, or null when there is none yet
     * @throws CliException naming the file when it cannot be read or parsed
     */
    SavedState read() {
        return read(dir);
    }

    /**
     * Reads a container directory's state file without its lock ({@code list}, {@code state}).
     *
     * @param dir the container's directory
     * @return the state, or null when there is none
     * @throws CliException naming the file when it cannot be read or parsed
     */
    static SavedState read(Path dir) {
        Path file = dir.resolve(STATE);
        try {
            return SavedState.parse(Files.readString(file, StandardCharsets.UTF_8), file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CliException(file + ": cannot read: " + e);
        }
    }

    /**
     * Replaces the state file: a temporary file in the same directory, then renamed over it.
     *
     * @param state the state
     * @throws CliException naming the file when it cannot be written
     */
    void write(SavedState state) {
        writeAtomically(dir.resolve(STATE), state.json());
    }

    /**
     * Writes a file as a whole: a temporary file beside it, forced to disk, then renamed over it.
     *
     * @param file the file
     * @param text its new text
     * @throws CliException naming the file when it cannot be written
     */
    static void writeAtomically(Path file, String text) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                c.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                c.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's error is the one to report
            }
            throw new CliException(file + ": cannot write: " + e);
        }
    }

    /**
     * Removes the directory and what is in it, the lock file last (this command still holds its lock; a command
     * waiting for it finds the directory gone).
     *
     * @throws CliException naming what cannot be removed
     */
    void remove() {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            all.sort((a, b) -> Boolean.compare(a.getFileName().toString().equals(LOCK),
                    b.getFileName().toString().equals(LOCK)));
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new CliException(dir + ": cannot remove the container's state directory: " + e);
        }
    }

    /**
     * The ids of the containers under a root, sorted.
     *
     * @param root the state root
     * @return the ids (empty when the root does not exist)
     * @throws CliException naming the root when it cannot be listed
     */
    static List<String> ids(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> Files.isRegularFile(p.resolve(STATE)) || Files.isRegularFile(p.resolve(LOCK)))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new CliException(root + ": cannot list: " + e);
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.close();
        } catch (IOException e) {
            throw new CliException(dir.resolve(LOCK) + ": cannot release the lock: " + e);
        }
    }
}
