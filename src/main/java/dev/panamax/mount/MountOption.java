package dev.panamax.mount;

import java.util.Set;

/**
 * A per-mount flag, by name. Translated to {@code MOUNT_ATTR_*} bits for {@code fsmount} and
 * {@code mount_setattr}; the API never takes raw numbers. The values are those of {@code linux/mount.h}
 * (stable kernel ABI), pinned to the generated bindings by a test.
 *
 * <pre>{@code
 * Mount.tmpfs("/scratch").withOptions(MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC);
 * }</pre>
 */
public enum MountOption {
    RDONLY(0x00000001),
    NOSUID(0x00000002),
    NODEV(0x00000004),
    NOEXEC(0x00000008),
    /** Update access times relative to mtime (the kernel's default). */
    RELATIME(0x00000000),
    NOATIME(0x00000010),
    STRICTATIME(0x00000020),
    NODIRATIME(0x00000080),
    /** Symlinks on this mount are not followed by path lookups. */
    NOSYMFOLLOW(0x00200000);

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
