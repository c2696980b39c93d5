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
    RDONLY(1),
    NOSUID(2),
    NODEV(4),
    NOEXEC(8),
    SYNCHRONOUS(16),
    REMOUNT(32),
    MANDLOCK(64),
    DIRSYNC(128),
    NOSYMFOLLOW(256),
    NOATIME(1024),
    NODIRATIME(2048),
    BIND(4096),
    MOVE(8192),
    REC(16384),
    SILENT(32768),
    UNBINDABLE(1 << 17),
    PRIVATE(1 << 18),
    SLAVE(1 << 19),
    SHARED(1 << 20),
    RELATIME(1 << 21),
    STRICTATIME(1 << 24),
    LAZYTIME(1 << 25);

    private final long value;

    MountFlag(long value) {
        this.value = value;
    }

    /** The {@code MS_*} value. */
    public long value() {
        return value;
    }

    /** The bitwise OR of {@code flags} (0 for the empty set). */
    public static long bits(Set<MountFlag> flags) {
        long bits = 0;
        for (MountFlag f : flags) {
            bits |= f.value;
        }
        return bits;
    }

    /** {@code "MS_NOSUID|MS_NODEV"} (in declaration order), or {@code "0"} for the empty set. */
    public static String describe(Set<MountFlag> flags) {
        if (flags.isEmpty()) {
            return "0";
        }
        return flags.stream().sorted().map(f -> "MS_" + f.name()).collect(Collectors.joining("|"));
    }
}
