package dev.panamax.sys;

import dev.panamax.bindings.linux_h;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@code mount(2)} flag ({@code MS_*}) with its kernel value.
 *
 * <pre>{@code
 * Linux.mount("proc", Path.of("/mnt/proc"), "proc",
 *         EnumSet.of(MountFlag.NOSUID, MountFlag.NODEV, MountFlag.NOEXEC), null);
 * Linux.mount(null, Path.of("/"), null, EnumSet.of(MountFlag.REC, MountFlag.PRIVATE), null);
 * }</pre>
 */
public enum MountFlag {
    /** Read-only. */
    RDONLY(linux_h.MS_RDONLY()),
    /** Set-user-id and set-group-id bits and file capabilities are ignored. */
    NOSUID(linux_h.MS_NOSUID()),
    /** Device files cannot be opened. */
    NODEV(linux_h.MS_NODEV()),
    /** Files cannot be executed. */
    NOEXEC(linux_h.MS_NOEXEC()),
    /** Writes are synchronous. */
    SYNCHRONOUS(linux_h.MS_SYNCHRONOUS()),
    /** Changes the flags of an existing mount. */
    REMOUNT(linux_h.MS_REMOUNT()),
    /** Allows mandatory locks (removed from Linux 5.15). */
    MANDLOCK(linux_h.MS_MANDLOCK()),
    /** Directory changes are synchronous. */
    DIRSYNC(linux_h.MS_DIRSYNC()),
    /** Symbolic links are not followed when resolving paths. */
    NOSYMFOLLOW(linux_h.MS_NOSYMFOLLOW()),
    /** Access times are not updated. */
    NOATIME(linux_h.MS_NOATIME()),
    /** Access times of directories are not updated. */
    NODIRATIME(linux_h.MS_NODIRATIME()),
    /** A bind mount: the source's tree appears at the target. */
    BIND(linux_h.MS_BIND()),
    /** Moves an existing mount to the target. */
    MOVE(linux_h.MS_MOVE()),
    /** With BIND or a propagation type: applies to every mount below too. */
    REC(linux_h.MS_REC()),
    /** Suppresses some kernel log messages. */
    SILENT(linux_h.MS_SILENT()),
    /** Propagation: private, and cannot be bind-mounted. */
    UNBINDABLE(linux_h.MS_UNBINDABLE()),
    /** Propagation: receives and sends no mount events. */
    PRIVATE(linux_h.MS_PRIVATE()),
    /** Propagation: receives mount events from its master, sends none. */
    SLAVE(linux_h.MS_SLAVE()),
    /** Propagation: shares mount events with its peer group. */
    SHARED(linux_h.MS_SHARED()),
    /** Access times are updated only when older than the modification time (the default). */
    RELATIME(linux_h.MS_RELATIME()),
    /** Access times are always updated. */
    STRICTATIME(linux_h.MS_STRICTATIME()),
    /** Times are updated in memory, written to disk lazily. */
    LAZYTIME(linux_h.MS_LAZYTIME());

    private final long value;

    MountFlag(long value) {
        this.value = value;
    }

    /** {@return the {@code MS_*} value} */
    public long value() {
        return value;
    }

    /**
     * {@return the bitwise OR of {@code flags}} 0 for the empty set.
     *
     * @param flags the flags
     */
    public static long bits(Set<MountFlag> flags) {
        long bits = 0;
        for (MountFlag f : flags) {
            bits |= f.value;
        }
        return bits;
    }

    /**
     * {@return the flags as C writes them} Such as {@code "MS_NOSUID|MS_NODEV"} (in declaration order), or
     * {@code "0"} for the empty set.
     *
     * @param flags the flags
     */
    public static String describe(Set<MountFlag> flags) {
        if (flags.isEmpty()) {
            return "0";
        }
        return flags.stream().sorted().map(f -> "MS_" + f.name()).collect(Collectors.joining("|"));
    }
}
