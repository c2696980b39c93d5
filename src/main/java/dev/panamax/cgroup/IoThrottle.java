package dev.panamax.cgroup;

import dev.panamax.spec.InvalidSpecException;

/**
 * A per-device block I/O limit (v2 {@code io.max}, v1 {@code blkio.throttle.*_device}).
 *
 * <pre>{@code
 * Resources r = Resources.builder()
 *     .ioThrottle(IoThrottle.parse("8:0", IoThrottle.Kind.WRITE_BPS, 10 << 20))   // 10 MiB/s writes to sda
 *     .build();
 * }</pre>
 *
 * @param major the block device's major number
 * @param minor the block device's minor number
 * @param kind what is limited
 * @param limit bytes or operations per second, positive
 */
public record IoThrottle(int major, int minor, Kind kind, long limit) {

    /** What an {@link IoThrottle} limits, with the key of v2 {@code io.max} and the file of v1 blkio. */
    public enum Kind {
        /** Bytes read per second. */
        READ_BPS("rbps", "blkio.throttle.read_bps_device"),
        /** Bytes written per second. */
        WRITE_BPS("wbps", "blkio.throttle.write_bps_device"),
        /** Read operations per second. */
        READ_IOPS("riops", "blkio.throttle.read_iops_device"),
        /** Write operations per second. */
        WRITE_IOPS("wiops", "blkio.throttle.write_iops_device");

        final String v2Key;
        final String v1File;

        Kind(String v2Key, String v1File) {
            this.v2Key = v2Key;
            this.v1File = v1File;
        }
    }

    /**
     * Checks the device numbers, the kind and the limit.
     *
     * @throws InvalidSpecException naming the field
     */
    public IoThrottle {
        if (major < 0 || minor < 0) {
            throw new InvalidSpecException("io." + kindName(kind), "device numbers must not be negative, got "
                    + major + ":" + minor);
        }
        if (kind == null) {
            throw new InvalidSpecException("io", "kind must not be null");
        }
        if (limit <= 0) {
            throw new InvalidSpecException("io." + kindName(kind), "limit for " + major + ":" + minor
                    + " must be positive, got " + limit);
        }
    }

    /**
     * A limit on the device written {@code "MAJOR:MINOR"}, for example {@code "8:0"}.
     *
     * @param device the block device as {@code "MAJOR:MINOR"}
     * @param kind   what is limited
     * @param limit  bytes or operations per second, positive
     * @return the limit
     * @throws InvalidSpecException naming the field that is wrong
     */
    public static IoThrottle parse(String device, Kind kind, long limit) {
        String[] parts = device == null ? new String[0] : device.split(":", -1);
        try {
            if (parts.length == 2) {
                return new IoThrottle(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), kind, limit);
            }
        } catch (NumberFormatException e) {
            // reported below with the whole text
        }
        throw new InvalidSpecException("io." + kindName(kind), "device \"" + device
                + "\" is not MAJOR:MINOR like 8:0");
    }

    private static String kindName(Kind kind) {
        return kind == null ? "?" : kind.v2Key;
    }

    /** {@return the device as {@code "MAJOR:MINOR"}, for example {@code "8:0"}} */
    public String device() {
        return major + ":" + minor;
    }
}
