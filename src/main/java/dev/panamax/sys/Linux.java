package dev.panamax.sys;

import static dev.panamax.sys.internal.Downcalls.capturing;
import static dev.panamax.sys.internal.Downcalls.errno;
import static dev.panamax.sys.internal.Downcalls.state;
import static dev.panamax.sys.internal.Downcalls.unexpected;

import dev.panamax.bindings.linux_h;
import dev.panamax.sys.internal.Abi;
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
 * <p><b>Threads.</b> These calls act on the <em>calling thread</em>, not on the JVM: namespace
 * membership belongs to an OS thread. {@link #unshare} and {@link #setns} move only the caller;
 * {@link #mount}, {@link #umount}, {@link #pivotRoot} and {@link #sethostname} act in the caller's
 * namespaces, which are the whole JVM's (and the host's) unless the caller left them first. In a
 * JVM that has three consequences:
 * <ul>
 *   <li>A pooled thread (an executor's, the common pool's) that unshares carries the namespace on
 *       to every unrelated task it runs afterwards, and a process the JVM starts from that thread
 *       ({@code ProcessBuilder}) starts in it too.</li>
 *   <li>A virtual thread runs on carrier threads it does not choose and may change between two
 *       calls: the namespace stays with the carrier, which then runs other virtual threads in it.
 *       Never call these from a virtual thread.</li>
 *   <li>{@code unshare(CLONE_NEWUSER)} and {@code setns} into a user namespace are refused
 *       ({@code EINVAL}) to a multi-threaded process, which a JVM always is.</li>
 * </ul>
 *
 * <p>So call them on a dedicated platform thread that does the work and then ends, taking its
 * namespaces with it (this example is run as written by the tests):
 *
 * <pre>{@code
 * String inside = CompletableFuture.supplyAsync(() -> {
 *     Linux.unshare(EnumSet.of(Namespace.UTS));          // this OS thread only
 *     Linux.sethostname("sandbox");
 *     return Linux.gethostname();                        // "sandbox"
 * }, task -> Thread.ofPlatform().start(task)).join();    // a new thread, ended after its one task
 * Linux.gethostname();                                   // unchanged: no other thread left the host's namespace
 * }</pre>
 *
 * <p>To put a whole process in namespaces, use {@code dev.panamax.Launcher}, which creates them
 * for the child process, before it runs anything.
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
     * {@code unshare(2)}: moves the calling OS thread, and no other, into new namespaces, where it
     * stays until it ends; call it on a dedicated platform thread (see {@link Linux}).
     *
     * <p>Caveats: {@link Namespace#PID} and {@link Namespace#TIME} affect only children the thread
     * creates afterwards. {@link Namespace#USER} always fails from a JVM with {@code EINVAL}, because
     * the kernel refuses it to multi-threaded processes and a JVM always has many threads; the
     * exception says so. Unsharing {@link Namespace#MOUNT} also gives the thread its own root and
     * working directory.
     *
     * @param namespaces the namespaces to create, at least one
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
     * {@code setns(2)}: moves the calling OS thread, and no other, into the namespace that
     * {@code fd} refers to (an open {@code /proc/<pid>/ns/*} file), where it stays until it ends or
     * moves again; call it on a dedicated platform thread (see {@link Linux}).
     *
     * <p>Joining a {@link Namespace#USER} namespace always fails from a JVM (multi-threaded), and
     * joining a {@link Namespace#MOUNT} namespace needs a thread that does not share its root and
     * working directory with others; see {@link #setns(Path, Namespace)}, which arranges that.
     *
     * @param fd   an open namespace file
     * @param type the namespace's type, checked by the kernel
     * @throws ErrnoException if the kernel refuses
     */
    public static void setns(int fd, Namespace type) {
        setns(fd, type, "fd " + fd);
    }

    /**
     * {@code setns(2)} by path, e.g. {@code setns(Namespace.NET.procPath(pid), Namespace.NET)}: as
     * {@link #setns(int, Namespace)}, the calling thread only. For {@link Namespace#MOUNT} the
     * thread first unshares its filesystem attributes ({@code CLONE_FS}), which the kernel requires
     * and which every JVM thread otherwise shares.
     *
     * @param nsFile a namespace file, such as {@code /proc/<pid>/ns/net}
     * @param type   the namespace's type, checked by the kernel
     * @throws ErrnoException if the file cannot be opened or the kernel refuses
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
     * {@code mount(2)} in the calling thread's mount namespace: the JVM's, visible to all its
     * threads and to the host, unless this thread unshared {@link Namespace#MOUNT} first (see
     * {@link Linux}). {@code source}, {@code fstype} and {@code data} may be null where the kernel
     * allows it (for example a propagation change: {@code mount(null, path, null,
     * EnumSet.of(REC, PRIVATE), null)}).
     *
     * @param source the device, directory or pseudo name, or null
     * @param target the mount point
     * @param fstype the filesystem type, such as {@code "tmpfs"}, or null
     * @param flags  the {@code MS_*} flags
     * @param data   filesystem options, such as {@code "size=64m"}, or null
     * @throws ErrnoException if the kernel refuses
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

    /**
     * {@code umount2(2)} in the calling thread's mount namespace (the JVM's, unless this thread
     * unshared {@link Namespace#MOUNT}); with {@code detach} it is a lazy unmount ({@code MNT_DETACH}).
     *
     * @param target the mount point
     * @param detach whether to detach now and clean up once it is no longer busy
     * @throws ErrnoException if the kernel refuses
     */
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
     * root to {@code putOld}. The kernel moves the root and working directory of every thread and
     * process in that namespace that was using the old root: run it only on a thread that unshared
     * {@link Namespace#MOUNT} (which also gives it a root of its own), never in the JVM's namespace.
     *
     * @param newRoot the new root, a mount point
     * @param putOld  where the old root goes, at or under {@code newRoot}
     * @throws ErrnoException if the kernel refuses
     */
    public static void pivotRoot(Path newRoot, Path putOld) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.syscall("pivot_root", Abi.SYS_pivot_root,
                    arena.allocateFrom(newRoot.toString()).address(), arena.allocateFrom(putOld.toString()).address());
        } catch (ErrnoException e) {
            String hint = e.errno() == EINVAL
                    ? "new_root must be a mount point not on a shared mount, and put_old must be at or under new_root;"
                            + " bind-mount new_root on itself and make / MS_PRIVATE first"
                    : e.errno() == EPERM ? NEEDS_ROOT : null;
            throw new ErrnoException("pivot_root", e.errno(), quote(newRoot) + ", " + quote(putOld), hint);
        }
    }

    /**
     * {@code sethostname(2)} in the calling thread's UTS namespace: that renames the host unless the
     * thread unshared {@link Namespace#UTS} first (see the example at {@link Linux}).
     *
     * @param name the new host name
     * @throws IllegalArgumentException if {@code name} is longer than 64 bytes in UTF-8
     * @throws ErrnoException           if the kernel refuses
     */
    public static void sethostname(String name) {
        setName(SETHOSTNAME, "sethostname", name);
    }

    /**
     * {@code setdomainname(2)} (the NIS domain name) in the calling thread's UTS namespace: the
     * host's unless the thread unshared {@link Namespace#UTS} first.
     *
     * @param name the new domain name
     * @throws IllegalArgumentException if {@code name} is longer than 64 bytes in UTF-8
     * @throws ErrnoException           if the kernel refuses
     */
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

    /**
     * {@code gethostname(2)}.
     *
     * @return the host name of the calling thread's UTS namespace
     */
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
