package dev.panamax.sys;

import static dev.panamax.sys.internal.Downcalls.capturing;
import static dev.panamax.sys.internal.Downcalls.errno;
import static dev.panamax.sys.internal.Downcalls.state;
import static dev.panamax.sys.internal.Downcalls.unexpected;

import dev.panamax.bindings.linux_h;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Errno-checked Linux calls for namespaces, mounts and host names. Every failure throws
 * {@link ErrnoException} naming the call, errno and the paths involved, with a hint when the
 * cause is a common one.
 *
 * <pre>{@code
 * Thread t = Thread.ofPlatform().start(() -> {
 *     Linux.unshare(EnumSet.of(Namespace.UTS));   // this OS thread only
 *     Linux.sethostname("sandbox");
 *     Linux.gethostname();                        // "sandbox" here; unchanged elsewhere
 * });
 * }</pre>
 *
 * <p><b>Threads.</b> Namespace membership belongs to an OS thread. {@link #unshare} and
 * {@link #setns} move only the calling thread, so call them on a dedicated platform thread (never
 * a virtual thread, which may hop between carriers) and let that thread die afterwards: pool
 * threads would carry the namespace into unrelated work. To put a whole process in namespaces,
 * use the launcher, which creates them for the child process.
 */
public final class Linux {
    private static final int EINVAL = linux_h.EINVAL();
    private static final int EPERM = linux_h.EPERM();
    private static final int HOST_NAME_MAX = 64;
    private static final String NEEDS_ROOT = "this needs CAP_SYS_ADMIN: run as root";

    private static final MethodHandle UNSHARE = capturing(linux_h.unshare$address(), linux_h.unshare$descriptor());
    private static final MethodHandle SETNS = capturing(linux_h.setns$address(), linux_h.setns$descriptor());
    private static final MethodHandle MOUNT = capturing(linux_h.mount$address(), linux_h.mount$descriptor());
    private static final MethodHandle UMOUNT2 = capturing(linux_h.umount2$address(), linux_h.umount2$descriptor());
    private static final MethodHandle SETHOSTNAME =
            capturing(linux_h.sethostname$address(), linux_h.sethostname$descriptor());
    private static final MethodHandle SETDOMAINNAME =
            capturing(linux_h.setdomainname$address(), linux_h.setdomainname$descriptor());
    private static final MethodHandle GETHOSTNAME =
            capturing(linux_h.gethostname$address(), linux_h.gethostname$descriptor());

    private Linux() {}

    /**
     * {@code unshare(2)}: moves the calling OS thread into new namespaces.
     *
     * <p>Caveats: {@link Namespace#PID} and {@link Namespace#TIME} affect only children created
     * afterwards. {@link Namespace#USER} always fails from a JVM, because the kernel refuses it to
     * multi-threaded processes and a JVM always has many threads; the exception says so. Unsharing
     * {@link Namespace#MOUNT} also gives the thread its own root and working directory.
     *
     * @throws IllegalArgumentException if {@code namespaces} is empty
     * @throws ErrnoException           if the kernel refuses
     */
    public static void unshare(Set<Namespace> namespaces) {
        if (namespaces.isEmpty()) {
            throw new IllegalArgumentException("namespaces: must name at least one namespace");
        }
        long flags = Namespace.flags(namespaces);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            if ((int) UNSHARE.invokeExact(state, (int) flags) == -1) {
                int errno = errno(state);
                throw new ErrnoException("unshare", errno, describe(namespaces), unshareHint(namespaces, errno));
            }
        } catch (Throwable t) {
            throw unexpected("unshare", t);
        }
    }

    private static String unshareHint(Set<Namespace> namespaces, int errno) {
        if (errno == EINVAL && namespaces.contains(Namespace.USER)) {
            return "the kernel lets only single-threaded processes unshare a user namespace, and a JVM is"
                    + " always multi-threaded; create the user namespace in a child process (the launcher does)";
        }
        return errno == EPERM ? NEEDS_ROOT : null;
    }

    private static String describe(Set<Namespace> namespaces) {
        StringBuilder sb = new StringBuilder();
        for (Namespace ns : Namespace.values()) {
            if (namespaces.contains(ns)) {
                sb.append(sb.isEmpty() ? "" : "|").append(ns == Namespace.MOUNT ? "CLONE_NEWNS" : "CLONE_NEW" + ns.name());
            }
        }
        return sb.toString();
    }

    /**
     * {@code setns(2)}: moves the calling OS thread into the namespace that {@code fd} refers to
     * (an open {@code /proc/<pid>/ns/*} file).
     *
     * <p>Joining a {@link Namespace#USER} namespace always fails from a JVM (multi-threaded), and
     * joining a {@link Namespace#MOUNT} namespace needs a thread that does not share its root and
     * working directory with others; see {@link #setns(Path, Namespace)}, which arranges that.
     */
    public static void setns(int fd, Namespace type) {
        setns(fd, type, "fd " + fd);
    }

    /**
     * {@code setns(2)} by path, e.g. {@code setns(Namespace.NET.procPath(pid), Namespace.NET)}.
     * For {@link Namespace#MOUNT} the calling thread first unshares its filesystem attributes
     * ({@code CLONE_FS}), which the kernel requires and which every JVM thread otherwise shares.
     */
    public static void setns(Path nsFile, Namespace type) {
        int fd = Libc.open(nsFile.toString(), linux_h.O_RDONLY() | linux_h.O_CLOEXEC(), 0);
        try {
            if (type == Namespace.MOUNT) {
                unshareFs();
            }
            setns(fd, type, quote(nsFile));
        } finally {
            Libc.close(fd);
        }
    }

    private static void unshareFs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            if ((int) UNSHARE.invokeExact(state, linux_h.CLONE_FS()) == -1) {
                throw new ErrnoException("unshare", errno(state), "CLONE_FS");
            }
        } catch (Throwable t) {
            throw unexpected("unshare", t);
        }
    }

    private static void setns(int fd, Namespace type, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            if ((int) SETNS.invokeExact(state, fd, (int) type.flag()) == -1) {
                int errno = errno(state);
                String hint = errno == EPERM ? NEEDS_ROOT
                        : errno == EINVAL && type == Namespace.USER
                                ? "a multi-threaded process (every JVM) cannot join a user namespace"
                        : errno == EINVAL ? "is it a " + type.procName() + " namespace file?" : null;
                throw new ErrnoException("setns", errno, what + ", " + describe(Set.of(type)), hint);
            }
        } catch (Throwable t) {
            throw unexpected("setns", t);
        }
    }

    /**
     * {@code mount(2)}. {@code source}, {@code fstype} and {@code data} may be null where the
     * kernel allows it (for example a propagation change: {@code mount(null, path, null,
     * EnumSet.of(REC, PRIVATE), null)}).
     */
    public static void mount(String source, Path target, String fstype, Set<MountFlag> flags, String data) {
        Objects.requireNonNull(target, "target");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            int rc = (int) MOUNT.invokeExact(state, cString(arena, source), arena.allocateFrom(target.toString()),
                    cString(arena, fstype), MountFlag.bits(flags), cString(arena, data));
            if (rc == -1) {
                int errno = errno(state);
                String detail = quote(source) + ", " + quote(target) + ", " + quote(fstype) + ", "
                        + MountFlag.describe(flags) + (data == null ? "" : ", " + quote(data));
                throw new ErrnoException("mount", errno, detail, errno == EPERM ? NEEDS_ROOT : null);
            }
        } catch (Throwable t) {
            throw unexpected("mount", t);
        }
    }

    /** {@code umount2(2)}; with {@code detach} it is a lazy unmount ({@code MNT_DETACH}). */
    public static void umount(Path target, boolean detach) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            int flags = detach ? linux_h.MNT_DETACH() : 0;
            if ((int) UMOUNT2.invokeExact(state, arena.allocateFrom(target.toString()), flags) == -1) {
                int errno = errno(state);
                String hint = errno == EINVAL ? "it is not a mount point" : errno == EPERM ? NEEDS_ROOT : null;
                throw new ErrnoException("umount2", errno, quote(target) + ", " + (detach ? "MNT_DETACH" : "0"), hint);
            }
        } catch (Throwable t) {
            throw unexpected("umount2", t);
        }
    }

    /**
     * {@code pivot_root(2)} (glibc has no wrapper; this uses {@code syscall(SYS_pivot_root)}):
     * makes {@code newRoot} the root of the calling thread's mount namespace and moves the old
     * root to {@code putOld}. Run it in a private mount namespace, never on the host's.
     */
    public static void pivotRoot(Path newRoot, Path putOld) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.syscall("pivot_root", linux_h.SYS_pivot_root(),
                    arena.allocateFrom(newRoot.toString()).address(), arena.allocateFrom(putOld.toString()).address());
        } catch (ErrnoException e) {
            String hint = e.errno() == EINVAL
                    ? "new_root must be a mount point not on a shared mount, and put_old must be at or under new_root;"
                            + " bind-mount new_root on itself and make / MS_PRIVATE first"
                    : e.errno() == EPERM ? NEEDS_ROOT : null;
            throw new ErrnoException("pivot_root", e.errno(), quote(newRoot) + ", " + quote(putOld), hint);
        }
    }

    /** {@code sethostname(2)} in the calling thread's UTS namespace. */
    public static void sethostname(String name) {
        setName(SETHOSTNAME, "sethostname", name);
    }

    /** {@code setdomainname(2)} (the NIS domain name) in the calling thread's UTS namespace. */
    public static void setdomainname(String name) {
        setName(SETDOMAINNAME, "setdomainname", name);
    }

    private static void setName(MethodHandle handle, String call, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > HOST_NAME_MAX) {
            throw new IllegalArgumentException("name: at most " + HOST_NAME_MAX + " bytes, got " + bytes.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment buf = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            if ((int) handle.invokeExact(state, buf, (long) bytes.length) == -1) {
                int errno = errno(state);
                throw new ErrnoException(call, errno, quote(name), errno == EPERM ? NEEDS_ROOT : null);
            }
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    /** {@code gethostname(2)} as seen by the calling thread. */
    public static String gethostname() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment buf = arena.allocate(HOST_NAME_MAX + 1);
            if ((int) GETHOSTNAME.invokeExact(state, buf, buf.byteSize()) == -1) {
                throw new ErrnoException("gethostname", errno(state), "");
            }
            return buf.getString(0);
        } catch (Throwable t) {
            throw unexpected("gethostname", t);
        }
    }

    private static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    private static String quote(Object o) {
        return o == null ? "NULL" : "\"" + o + "\"";
    }
}
