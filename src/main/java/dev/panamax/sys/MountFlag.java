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
    RDONLY(linux_h.MS_RDONLY()),
    NOSUID(linux_h.MS_NOSUID()),
    NODEV(linux_h.MS_NODEV()),
    NOEXEC(linux_h.MS_NOEXEC()),
    SYNCHRONOUS(linux_h.MS_SYNCHRONOUS()),
    REMOUNT(linux_h.MS_REMOUNT()),
    MANDLOCK(linux_h.MS_MANDLOCK()),
    DIRSYNC(linux_h.MS_DIRSYNC()),
    NOSYMFOLLOW(linux_h.MS_NOSYMFOLLOW()),
    NOATIME(linux_h.MS_NOATIME()),
    NODIRATIME(linux_h.MS_NODIRATIME()),
    BIND(linux_h.MS_BIND()),
    MOVE(linux_h.MS_MOVE()),
    REC(linux_h.MS_REC()),
    SILENT(linux_h.MS_SILENT()),
    UNBINDABLE(linux_h.MS_UNBINDABLE()),
    PRIVATE(linux_h.MS_PRIVATE()),
    SLAVE(linux_h.MS_SLAVE()),
    SHARED(linux_h.MS_SHARED()),
    RELATIME(linux_h.MS_RELATIME()),
    STRICTATIME(linux_h.MS_STRICTATIME()),
    LAZYTIME(linux_h.MS_LAZYTIME());

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
