package dev.panamax.sys;

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
 *
 * <p>The values are written out (pinned to the bindings by a test) rather than read from them, so that
 * building a spec needs no native access.
 */
public enum MountFlag {
    /** Read-only. */
    RDONLY(1),
    /** Set-user-id and set-group-id bits and file capabilities are ignored. */
    NOSUID(2),
    /** Device files cannot be opened. */
    NODEV(4),
    /** Files cannot be executed. */
    NOEXEC(8),
    /** Writes are synchronous. */
    SYNCHRONOUS(16),
    /** Changes the flags of an existing mount. */
    REMOUNT(32),
    /** Allows mandatory locks (removed from Linux 5.15). */
    MANDLOCK(64),
    /** Directory changes are synchronous. */
    DIRSYNC(128),
    /** Symbolic links are not followed when resolving paths. */
    NOSYMFOLLOW(256),
    /** Access times are not updated. */
    NOATIME(1024),
    /** Access times of directories are not updated. */
    NODIRATIME(2048),
    /** A bind mount: the source's tree appears at the target. */
    BIND(4096),
    /** Moves an existing mount to the target. */
    MOVE(8192),
    /** With BIND or a propagation type: applies to every mount below too. */
    REC(16384),
    /** Suppresses some kernel log messages. */
    SILENT(32768),
    /** Propagation: private, and cannot be bind-mounted. */
    UNBINDABLE(1 << 17),
    /** Propagation: receives and sends no mount events. */
    PRIVATE(1 << 18),
    /** Propagation: receives mount events from its master, sends none. */
    SLAVE(1 << 19),
    /** Propagation: shares mount events with its peer group. */
    SHARED(1 << 20),
    /** Access times are updated only when older than the modification time (the default). */
    RELATIME(1 << 21),
    /** Access times are always updated. */
    STRICTATIME(1 << 24),
    /** Times are updated in memory, written to disk lazily. */
    LAZYTIME(1 << 25);

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
