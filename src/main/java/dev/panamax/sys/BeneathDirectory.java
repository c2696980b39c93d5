package dev.panamax.sys;

import dev.panamax.bindings.linux_h;
import dev.panamax.bindings.open_how;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;
import dev.panamax.sys.internal.SyscallTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A directory held open by descriptor ({@code O_PATH}), in which relative names are resolved by the
 * kernel without leaving it and without following any symlink: {@code openat2(2)} with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}. A symlink, {@code ..} or an
 * absolute name on the way fails ({@code ELOOP} or {@code EXDEV}) instead of leading elsewhere, even
 * if the tree changes between two calls.
 *
 * <p>{@link #entry(String)} names one entry of this very directory as {@code /proc/self/fd/N/NAME}:
 * the kernel reaches the directory through the descriptor (not through its old path), so
 * {@code java.nio.file} calls with {@code LinkOption.NOFOLLOW_LINKS} act on that entry and nothing else.
 * Close it; until then the descriptor stays open.
 */
public final class BeneathDirectory implements AutoCloseable {
    private static final int O_PATH_DIRECTORY = Abi.O_PATH | Abi.O_DIRECTORY | Abi.O_CLOEXEC;
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    /** Why {@code mknodat} of an overlay whiteout (a character device 0:0) fails with {@code EPERM}. */
    private static final String WHITEOUT_EPERM = "a whiteout (0:0) needs CAP_MKNOD before Linux 5.8, and overlayfs "
            + "refuses to make one at all: use a directory on another file system";
    private static final long RESOLVE = linux_h.RESOLVE_BENEATH() | linux_h.RESOLVE_NO_SYMLINKS()
            | linux_h.RESOLVE_NO_MAGICLINKS();

    private static final long UTIME_OMIT = (1L << 30) - 2;

    private final int fd;
    private final String name;
    private boolean closed;

    private BeneathDirectory(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Opens {@code directory} itself ({@code O_PATH | O_DIRECTORY | O_NOFOLLOW}): it must be a
     * directory, not a symlink to one.
     *
     * @param directory the directory
     * @return the open directory
     * @throws ErrnoException if it cannot be opened ({@code ENOTDIR}, {@code ELOOP}, {@code ENOENT}, ...)
     */
    public static BeneathDirectory open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new BeneathDirectory(Libc.open(directory.toString(), O_PATH_DIRECTORY | Abi.O_NOFOLLOW, 0),
                directory.toString());
    }

    /**
     * Opens the directory at {@code relative} below this one, resolved by the kernel beneath it
     * with no symlink followed (see {@link BeneathDirectory}).
     *
     * @param relative a relative name such as {@code "usr/lib"}; {@code "."} is this directory again
     * @return the open directory
     * @throws ErrnoException if a component is missing ({@code ENOENT}), not a directory
     *                        ({@code ENOTDIR}), a symlink ({@code ELOOP}) or leads out ({@code EXDEV})
     */
    public BeneathDirectory openBeneath(String relative) {
        Objects.requireNonNull(relative, "relative");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment how = open_how.allocate(arena);
            open_how.flags(how, O_PATH_DIRECTORY);
            open_how.resolve(how, RESOLVE);
            int newFd = (int) Libc.syscall("openat2", number("openat2"), fd, arena.allocateFrom(relative).address(),
                    how.address(), how.byteSize());
            return new BeneathDirectory(newFd, name + "/" + relative);
        } catch (ErrnoException e) {
            throw new ErrnoException("openat2", e.errno(), quote(name) + ", " + quote(relative)
                    + ", RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS", hint(e.errno()));
        }
    }

    /**
     * The path {@code /proc/self/fd/N/leaf}: entry {@code leaf} of this directory, reached through
     * its descriptor. Use it with {@code LinkOption.NOFOLLOW_LINKS} (or calls that do not follow a
     * final symlink) until this directory is closed.
     *
     * @param leaf one name, no {@code /}
     * @return the path of the entry
     * @throws IllegalArgumentException if {@code leaf} is empty, {@code .}, {@code ..} or has a {@code /} or NUL
     */
    public Path entry(String leaf) {
        return Path.of("/proc/self/fd/" + fd + "/" + checkLeaf(leaf));
    }

    /**
     * {@code mknodat(2)}: a device node or fifo named {@code leaf} in this directory.
     *
     * @param leaf   one name, no {@code /}
     * @param mode   the file type ({@code S_IFCHR}, {@code S_IFBLK}, {@code S_IFIFO}) and permission bits
     * @param device the device number ({@code makedev}: {@link #device(long, long)}), 0 for a fifo
     * @throws ErrnoException if the kernel refuses ({@code EPERM} without {@code CAP_MKNOD}, except for a character
     *                        device 0:0, the overlay whiteout, from Linux 5.8 on; {@code EPERM} for that one
     *                        on overlayfs itself; {@code EEXIST})
     */
    public void mknod(String leaf, int mode, long device) {
        checkLeaf(leaf);
        try (Arena arena = Arena.ofConfined()) {
            Libc.syscall("mknodat", number("mknodat"), fd, arena.allocateFrom(leaf).address(), mode, device);
        } catch (ErrnoException e) {
            throw new ErrnoException("mknodat", e.errno(), quote(name) + ", " + quote(leaf) + ", 0"
                    + Integer.toOctalString(mode) + ", " + (device >>> 8 & 0xfff) + ":" + (device & 0xff),
                    e.errno() != linux_h.EPERM() ? null : isWhiteout(mode, device) ? WHITEOUT_EPERM
                            : "device nodes need CAP_MKNOD in the initial user namespace");
        }
    }

    private static boolean isWhiteout(int mode, long device) {
        return (mode & S_IFMT) == S_IFCHR && device == 0;
    }

    /**
     * {@code lsetxattr(2)} on entry {@code leaf} of this directory (a symlink itself, not its target).
     *
     * @param leaf  one name, no {@code /}, or {@code "."} for this directory itself
     * @param xattr the attribute's full name, such as {@code "trusted.overlay.opaque"}
     * @param value its value
     * @throws ErrnoException if the kernel refuses ({@code EPERM} for {@code trusted.*} without
     *                        {@code CAP_SYS_ADMIN}, {@code ENOTSUP} where the filesystem has none)
     */
    public void setXattr(String leaf, String xattr, byte[] value) {
        Path entry = leaf.equals(".") ? Path.of("/proc/self/fd/" + fd + "/.") : entry(leaf);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, value.length);
            Libc.syscall("lsetxattr", number("lsetxattr"), arena.allocateFrom(entry.toString()).address(),
                    arena.allocateFrom(xattr).address(), bytes.address(), value.length, 0);
        } catch (ErrnoException e) {
            throw new ErrnoException("lsetxattr", e.errno(), quote(name + "/" + leaf) + ", " + quote(xattr), null);
        }
    }

    /**
     * {@code lgetxattr(2)} on entry {@code leaf} of this directory (a symlink itself, not its target).
     *
     * @param leaf    one name, no {@code /}, or {@code "."} for this directory itself
     * @param xattr   the attribute's full name, such as {@code "trusted.overlay.opaque"}
     * @param maxSize the longest value read
     * @return the value, or empty if the entry has no such attribute ({@code ENODATA})
     * @throws ErrnoException if the kernel refuses ({@code ERANGE} for a longer value, {@code ENOTSUP})
     */
    public java.util.Optional<byte[]> getXattr(String leaf, String xattr, int maxSize) {
        Path entry = leaf.equals(".") ? Path.of("/proc/self/fd/" + fd + "/.") : entry(leaf);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(Math.max(1, maxSize));
            int n = (int) Libc.syscall("lgetxattr", number("lgetxattr"), arena.allocateFrom(entry.toString()).address(),
                    arena.allocateFrom(xattr).address(), bytes.address(), maxSize);
            return java.util.Optional.of(bytes.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        } catch (ErrnoException e) {
            if (e.errno() == linux_h.ENODATA()) {
                return java.util.Optional.empty();
            }
            throw new ErrnoException("lgetxattr", e.errno(), quote(name + "/" + leaf) + ", " + quote(xattr), null);
        }
    }

    /**
     * {@code fchmodat(2)} on entry {@code leaf}, all twelve mode bits (setuid, setgid, sticky
     * included). It follows a final symlink: call it only on an entry known not to be one (for
     * example one the caller just created in a directory nobody else writes to).
     *
     * @param leaf one name, no {@code /}
     * @param mode the permission bits, {@code 07777} at most
     * @throws ErrnoException if the kernel refuses
     */
    public void chmod(String leaf, int mode) {
        checkLeaf(leaf);
        try (Arena arena = Arena.ofConfined()) {
            Libc.syscall("fchmodat", number("fchmodat"), fd, arena.allocateFrom(leaf).address(), mode & 07777, 0);
        } catch (ErrnoException e) {
            throw new ErrnoException("fchmodat", e.errno(), quote(name + "/" + leaf) + ", 0"
                    + Integer.toOctalString(mode & 07777), null);
        }
    }

    /**
     * {@code symlinkat(2)}: a symlink named {@code leaf} in this directory holding exactly
     * {@code target} (not normalised, not followed).
     *
     * @param leaf   one name, no {@code /}
     * @param target the link's text, without NUL
     * @throws ErrnoException if the kernel refuses ({@code EEXIST}, ...)
     */
    public void symlink(String leaf, String target) {
        checkLeaf(leaf);
        if (target.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("target: a symlink's text has no NUL");
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.syscall("symlinkat", number("symlinkat"), arena.allocateFrom(target).address(), fd,
                    arena.allocateFrom(leaf).address());
        } catch (ErrnoException e) {
            throw new ErrnoException("symlinkat", e.errno(), quote(target) + ", " + quote(name + "/" + leaf), null);
        }
    }

    /**
     * {@code utimensat(2)} with {@code AT_SYMLINK_NOFOLLOW}: sets entry {@code leaf}'s modification time
     * (a symlink's own), leaving its access time. Unlike {@code java.nio}'s {@code setTimes}, it opens
     * nothing, so a fifo does not block it.
     *
     * @param leaf  one name, no {@code /}
     * @param mtime the modification time
     * @throws ErrnoException if the kernel refuses
     */
    public void setModifiedTime(String leaf, java.time.Instant mtime) {
        checkLeaf(leaf);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment times = arena.allocate(java.lang.foreign.ValueLayout.JAVA_LONG, 4);
            times.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 0);
            times.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 1, UTIME_OMIT);
            times.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 2, mtime.getEpochSecond());
            times.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 3, mtime.getNano());
            Libc.syscall("utimensat", number("utimensat"), fd, arena.allocateFrom(leaf).address(), times.address(),
                    linux_h.AT_SYMLINK_NOFOLLOW());
        } catch (ErrnoException e) {
            throw new ErrnoException("utimensat", e.errno(), quote(name + "/" + leaf) + ", " + mtime
                    + ", AT_SYMLINK_NOFOLLOW", null);
        }
    }

    /**
     * {@code makedev(3)}: the device number of {@code major:minor}.
     *
     * @param major the major number
     * @param minor the minor number
     * @return the device number {@link #mknod} takes
     */
    public static long device(long major, long minor) {
        return (major & 0xfffL) << 8 | (major & ~0xfffL) << 32 | minor & 0xffL | (minor & ~0xffL) << 12;
    }

    /** Closes the descriptor (once; later calls do nothing). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static String checkLeaf(String leaf) {
        if (leaf.isEmpty() || leaf.equals(".") || leaf.equals("..") || leaf.indexOf('/') >= 0
                || leaf.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("leaf: one name without '/' or NUL, not . or .., got \""
                    + leaf.replace("\0", "\\0") + "\"");
        }
        return leaf;
    }

    private static long number(String call) {
        return SyscallTable.nativeTable().number(call).orElseThrow();
    }

    private static String hint(int errno) {
        return errno == linux_h.ELOOP() ? "a component is a symlink"
                : errno == linux_h.EXDEV() ? "the name leads out of the directory" : null;
    }

    private static String quote(Object o) {
        return "\"" + o + "\"";
    }
}
