package dev.panamax.sys;

import dev.panamax.bindings.linux_h;

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
 */
public enum Namespace {
    /** Mount points ({@code CLONE_NEWNS}). */
    MOUNT(linux_h.CLONE_NEWNS(), "mnt"),
    /** Host and domain name ({@code CLONE_NEWUTS}). */
    UTS(linux_h.CLONE_NEWUTS(), "uts"),
    /** System V IPC and POSIX message queues ({@code CLONE_NEWIPC}). */
    IPC(linux_h.CLONE_NEWIPC(), "ipc"),
    /** Network devices, addresses, routes, ports ({@code CLONE_NEWNET}). */
    NET(linux_h.CLONE_NEWNET(), "net"),
    /** Process ids ({@code CLONE_NEWPID}); affects children, never the caller. */
    PID(linux_h.CLONE_NEWPID(), "pid"),
    /** The cgroup root ({@code CLONE_NEWCGROUP}). */
    CGROUP(linux_h.CLONE_NEWCGROUP(), "cgroup"),
    /** Monotonic and boot-time clocks ({@code CLONE_NEWTIME}); affects children, never the caller. */
    TIME(linux_h.CLONE_NEWTIME(), "time"),
    /** User and group ids and capabilities ({@code CLONE_NEWUSER}). */
    USER(linux_h.CLONE_NEWUSER(), "user");

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
