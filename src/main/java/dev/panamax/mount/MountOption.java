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
    /** Read-only. */
    RDONLY(0x00000001),
    /** Set-user-id and set-group-id bits and file capabilities are ignored. */
    NOSUID(0x00000002),
    /** Device files cannot be opened. */
    NODEV(0x00000004),
    /** Files cannot be executed. */
    NOEXEC(0x00000008),
    /** Update access times relative to mtime (the kernel's default). */
    RELATIME(0x00000000),
    /** Access times are not updated. */
    NOATIME(0x00000010),
    /** Access times are always updated. */
    STRICTATIME(0x00000020),
    /** Access times of directories are not updated. */
    NODIRATIME(0x00000080),
    /** Symlinks on this mount are not followed by path lookups. */
    NOSYMFOLLOW(0x00200000);

    private final int attr;

    MountOption(int attr) {
        this.attr = attr;
    }

    /** {@return whether this is one of the three mutually exclusive access-time modes} */
    public boolean isAtime() {
        return this == RELATIME || this == NOATIME || this == STRICTATIME;
    }

    /**
     * {@return the {@code MOUNT_ATTR_*} bits of {@code options}}
     *
     * @param options the options
     */
    public static long attrs(Set<MountOption> options) {
        long bits = 0;
        for (MountOption o : options) {
            bits |= o.attr;
        }
        return bits;
    }

    /**
     * {@return the options as the plan shows them, e.g. {@code MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID}, or {@code 0}}
     *
     * @param options the options
     */
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
