package dev.panamax.mount;

import dev.panamax.sys.internal.Abi;

import java.util.Set;

/**
 * A per-mount flag, by name. Translated to {@code MOUNT_ATTR_*} bits for {@code fsmount} and
 * {@code mount_setattr}; the API never takes raw numbers.
 *
 * <pre>{@code
 * Mount.tmpfs("/scratch").withOptions(MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC);
 * }</pre>
 */
public enum MountOption {
    RDONLY(Abi.MOUNT_ATTR_RDONLY),
    NOSUID(Abi.MOUNT_ATTR_NOSUID),
    NODEV(Abi.MOUNT_ATTR_NODEV),
    NOEXEC(Abi.MOUNT_ATTR_NOEXEC),
    /** Update access times relative to mtime (the kernel's default). */
    RELATIME(Abi.MOUNT_ATTR_RELATIME),
    NOATIME(Abi.MOUNT_ATTR_NOATIME),
    STRICTATIME(Abi.MOUNT_ATTR_STRICTATIME),
    NODIRATIME(Abi.MOUNT_ATTR_NODIRATIME),
    /** Symlinks on this mount are not followed by path lookups. */
    NOSYMFOLLOW(Abi.MOUNT_ATTR_NOSYMFOLLOW);

    private final int attr;

    MountOption(int attr) {
        this.attr = attr;
    }

    /** True for the three mutually exclusive access-time modes. */
    public boolean isAtime() {
        return this == RELATIME || this == NOATIME || this == STRICTATIME;
    }

    /** The {@code MOUNT_ATTR_*} bits of {@code options}. */
    public static long attrs(Set<MountOption> options) {
        long bits = 0;
        for (MountOption o : options) {
            bits |= o.attr;
        }
        return bits;
    }

    /** The options as the plan shows them, e.g. {@code MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID}, or {@code 0}. */
    public static String names(Set<MountOption> options) {
        if (options.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (MountOption o : values()) {
            if (options.contains(o)) {
                sb.append(sb.isEmpty() ? "" : "|").append("MOUNT_ATTR_").append(o.name());
            }
        }
        return sb.toString();
    }
}
