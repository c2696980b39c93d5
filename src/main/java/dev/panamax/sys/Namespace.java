package dev.panamax.sys;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A Linux namespace type, with its {@code CLONE_NEW*} flag and its name under
 * {@code /proc/<pid>/ns/}.
 *
 * <pre>{@code
 * long flags = Namespace.flags(EnumSet.of(Namespace.MOUNT, Namespace.PID)); // CLONE_NEWNS | CLONE_NEWPID
 * Namespace.fromFlags(flags);                                               // [MOUNT, PID]
 * Namespace.UTS.procPath(1234);                                             // /proc/1234/ns/uts
 * }</pre>
 *
 * <p>The flags are written out (pinned to the bindings by a test) rather than read from them, so that
 * building a spec needs no native access.
 */
public enum Namespace {
    /** Mount points ({@code CLONE_NEWNS}). */
    MOUNT(0x00020000L, "mnt"),
    /** Host and domain name ({@code CLONE_NEWUTS}). */
    UTS(0x04000000L, "uts"),
    /** System V IPC and POSIX message queues ({@code CLONE_NEWIPC}). */
    IPC(0x08000000L, "ipc"),
    /** Network devices, addresses, routes, ports ({@code CLONE_NEWNET}). */
    NET(0x40000000L, "net"),
    /** Process ids ({@code CLONE_NEWPID}); affects children, never the caller. */
    PID(0x20000000L, "pid"),
    /** The cgroup root ({@code CLONE_NEWCGROUP}). */
    CGROUP(0x02000000L, "cgroup"),
    /** Monotonic and boot-time clocks ({@code CLONE_NEWTIME}); affects children, never the caller. */
    TIME(0x00000080L, "time"),
    /** User and group ids and capabilities ({@code CLONE_NEWUSER}). */
    USER(0x10000000L, "user");

    private final long flag;
    private final String procName;

    Namespace(long flag, String procName) {
        this.flag = flag;
        this.procName = procName;
    }

    /** {@return the {@code CLONE_NEW*} bit for this namespace} */
    public long flag() {
        return flag;
    }

    /** {@return the file name under {@code /proc/<pid>/ns/}, e.g. {@code "mnt"} for {@link #MOUNT}} */
    public String procName() {
        return procName;
    }

    /**
     * {@return {@code /proc/<pid>/ns/<procName>}} The file to open for {@link Linux#setns(Path, Namespace)}.
     *
     * @param pid a process id, positive
     * @throws IllegalArgumentException if {@code pid} is not positive
     */
    public Path procPath(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid: must be positive, got " + pid);
        }
        return Path.of("/proc", Long.toString(pid), "ns", procName);
    }

    /**
     * {@return the bitwise OR of the flags of {@code namespaces}} 0 for the empty set.
     *
     * @param namespaces the namespaces
     */
    public static long flags(Set<Namespace> namespaces) {
        long flags = 0;
        for (Namespace ns : namespaces) {
            flags |= ns.flag;
        }
        return flags;
    }

    /**
     * The namespaces whose flags are set in {@code flags}.
     *
     * @param flags {@code CLONE_NEW*} bits
     * @return the namespaces, in declaration order
     * @throws IllegalArgumentException if {@code flags} has a bit that is no namespace flag
     */
    public static EnumSet<Namespace> fromFlags(long flags) {
        EnumSet<Namespace> result = EnumSet.noneOf(Namespace.class);
        long rest = flags;
        for (Namespace ns : values()) {
            if ((flags & ns.flag) != 0) {
                result.add(ns);
                rest &= ~ns.flag;
            }
        }
        if (rest != 0) {
            throw new IllegalArgumentException("flags: 0x" + Long.toHexString(rest)
                    + " are not CLONE_NEW* namespace flags (in 0x" + Long.toHexString(flags) + ")");
        }
        return result;
    }
}
