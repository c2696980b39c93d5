package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.CreatedContainer;
import dev.panamax.CreateOptions;
import dev.panamax.StartRecord;
import dev.panamax.cgroup.CgroupManager;
import dev.panamax.cgroup.CgroupPath;
import dev.panamax.cgroup.Resources;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.Libc;
import dev.panamax.sys.internal.SyscallTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Create now, start later ({@code Launcher.create}, {@code Launcher.start}). Each created container gets a
 * directory of its own under the runtime directory ({@code /run/panamax} for root, else
 * {@code <java.io.tmpdir>/panamax-<uid>}), holding its start FIFO {@code start}. The creator opens the FIFO for
 * reading and writing and hands it to the child ({@code CreatedSteps}), which waits on it before its exec. A
 * starter claims the FIFO by removing it (one start wins), then writes one byte. The directory goes when the
 * container is started, ends while this JVM watches it, or its handle is closed. A container with resources or
 * a cgroup path gets a lasting cgroup ({@code CgroupManager.createLasting}): nothing removes it at JVM exit,
 * only the handle's close or {@code ContainerControl.destroy}.
 */
final class CreatedLaunch {

    private CreatedLaunch() {
    }

    static CreatedContainer create(ContainerSpec spec, CreateOptions options) {
        ContainerSpec.Builder builder = spec.toBuilder().dieWithParent(false);
        CgroupPath cgroupPath = null;
        if (spec.resources().isPresent() || options.cgroupPath().isPresent()) {
            CgroupManager manager = CgroupManager.system();
            cgroupPath = options.cgroupPath().map(p -> CgroupPath.of(manager.parent(), p))
                    .orElseGet(manager::nextContainerPath);
            if (spec.resources().isEmpty()) {
                builder.resources(Resources.NONE); // a cgroup to freeze, list and kill its processes
            }
        }
        ContainerSpec independent = builder.build();
        CgroupPath where = cgroupPath;
        Path dir = runtimeDirectory();
        Path fifo = dir.resolve("start");
        RunningContainer running;
        try {
            mkfifo(fifo);
            int fd = Libc.open(fifo.toString(), Abi.O_RDWR | Abi.O_CLOEXEC, 0);
            try {
                // a lasting cgroup: in every hierarchy, never made ahead; only a close or a destroy removes it
                running = Launch.create(independent, fd, r -> CgroupManager.system().createLasting(where, r));
            } finally {
                Libc.close(fd);
            }
        } catch (RuntimeException | Error failure) {
            removeQuietly(fifo, dir, failure);
            throw failure;
        }
        long startTime;
        try {
            startTime = startTime(running.pid()).orElseThrow(() -> new IllegalStateException(
                    "created container " + running.pid() + " ended before its start time could be read"));
        } catch (RuntimeException | Error failure) {
            try {
                running.close();
            } catch (RuntimeException | Error closing) {
                failure.addSuppressed(closing);
            } finally {
                removeQuietly(fifo, dir, failure);
            }
            throw failure;
        }
        CreatedHandle handle = new CreatedHandle(running, new StartRecord(running.pid(), startTime, fifo,
                java.util.Optional.ofNullable(where)));
        running.onExit().whenComplete((status, failure) -> removeQuietly(fifo, dir, null));
        return handle;
    }

    /** See {@code Launcher.start}. */
    static void start(StartRecord record) {
        Path fifo = record.fifo();
        if (!startTime(record.pid()).equals(java.util.OptionalLong.of(record.startTime()))) {
            throw new IllegalStateException("created container " + record.pid() + " has ended (no process with "
                    + "that pid and start time " + record.startTime() + ")");
        }
        int fd;
        try { // ENXIO: no reader, the container exec'd or ended; ENOENT: a start claimed it, or it was closed
            fd = Libc.open(fifo.toString(), Abi.O_WRONLY | Abi.O_NONBLOCK | Abi.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            if (e.errnoName().equals("ENXIO") || e.errnoName().equals("ENOENT")) {
                throw notWaiting(record, "open", e.errnoName());
            }
            throw new IllegalStateException("cannot start created container " + record.pid() + ": open "
                    + fifo + " for writing: " + e.errnoName(), e);
        }
        boolean claimed = false;
        try {
            try {
                Files.delete(fifo); // the claim: of two starters, only one removes it
                claimed = true;
            } catch (NoSuchFileException e) {
                throw notWaiting(record, "unlink", "ENOENT");
            } catch (IOException e) {
                throw new UncheckedIOException("start container " + record.pid() + ": unlink " + fifo, e);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment go = arena.allocate(1);
                go.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 'S');
                Libc.write(fd, go, 1);
            } catch (ErrnoException e) {
                throw notWaiting(record, "write", e.errnoName());
            }
        } finally {
            Libc.close(fd);
            if (claimed) { // the claimer removes the directory, also when its byte could not be written
                removeQuietly(fifo, fifo.getParent(), null);
            }
        }
    }

    private static IllegalStateException notWaiting(StartRecord record, String call, String errno) {
        return new IllegalStateException("created container " + record.pid() + " is not waiting to start: it was "
                + "started already or has ended (" + call + " " + record.fifo() + ": " + errno + ")");
    }

    /**
     * Field 22 of {@code /proc/PID/stat} (after the command name, which may hold spaces and parentheses), or
     * empty when no such process runs.
     */
    static java.util.OptionalLong startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return java.util.OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/" + pid + "/stat", e);
        }
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after[0] is field 3 (state); a zombie has ended
        return after[0].equals("Z") ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(Long.parseLong(after[19]));
    }

    private static Path runtimeDirectory() {
        int uid = Libc.geteuid();
        Path base = uid == 0 ? Path.of("/run/panamax")
                : Path.of(System.getProperty("java.io.tmpdir"), "panamax-" + Integer.toUnsignedString(uid));
        try {
            Files.createDirectories(base, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // another user's directory (made first in a shared /tmp) could swap the FIFO: refuse it
            int owner = (int) Files.getAttribute(base, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            int mode = (int) Files.getAttribute(base, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            // (one made 0755 by another part of the runtime, /run/panamax/leases say, is safe: only its owner writes)
            if (owner != uid || (mode & 0022) != 0 || !Files.isDirectory(base, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("runtime directory " + base + ": must be a directory of uid " + uid
                        + " that group and others cannot write (mode 0700 when made here), found uid " + owner
                        + " mode 0" + Integer.toOctalString(mode & 07777));
            }
            return Files.createTempDirectory(base, "created-");
        } catch (IOException e) {
            throw new UncheckedIOException("create a runtime directory for the start FIFO under " + base, e);
        }
    }

    private static void mkfifo(Path fifo) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.syscall("mknodat", SyscallTable.nativeTable().number("mknodat").orElseThrow(),
                    Flags.AT_FDCWD.value(), arena.allocateFrom(fifo.toString()).address(), Flags.S_IFIFO.value() | 0600, 0);
        }
    }

    /** Removes the FIFO (if still there) and its directory (if then empty). */
    static void removeQuietly(Path fifo, Path dir, Throwable primary) {
        try {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // someone put a file there: leave it
        } catch (IOException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
