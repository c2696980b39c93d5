package dev.panamax.cgroup;

import dev.panamax.spec.InvalidSpecException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory in bytes, with binary units (1 KiB = 1024 bytes).
 *
 * <pre>{@code
 * DataSize a = DataSize.ofMegabytes(64);
 * DataSize b = DataSize.parse("64m");   // also "64M", "64MiB", "64mb", "65536k", "67108864"
 * assert a.equals(b) && a.bytes() == 67_108_864;
 * }</pre>
 *
 * @param bytes the size in bytes, never negative
 */
public record DataSize(long bytes) implements Comparable<DataSize> {

    private static final Pattern SYNTAX =
            Pattern.compile("\\s*(\\d+)\\s*([kmgt]?)(?:i?b)?\\s*", Pattern.CASE_INSENSITIVE);

    /**
     * Checks that the size is not negative.
     *
     * @throws InvalidSpecException if {@code bytes} is negative
     */
    public DataSize {
        if (bytes < 0) {
            throw new InvalidSpecException("size", "must not be negative, got " + bytes + " bytes");
        }
    }

    /**
     * A size of {@code bytes} bytes.
     *
     * @param bytes the size in bytes, not negative
     * @return the size
     * @throws InvalidSpecException if {@code bytes} is negative
     */
    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    /**
     * A size of {@code kilobytes} KiB.
     *
     * @param kilobytes the size in KiB (1024 bytes), not negative
     * @return the size
     * @throws InvalidSpecException if it is negative or does not fit in a {@code long} of bytes
     */
    public static DataSize ofKilobytes(long kilobytes) {
        return scaled(kilobytes, 1L << 10, "KiB");
    }

    /**
     * A size of {@code megabytes} MiB.
     *
     * @param megabytes the size in MiB (1024 KiB), not negative
     * @return the size
     * @throws InvalidSpecException if it is negative or does not fit in a {@code long} of bytes
     */
    public static DataSize ofMegabytes(long megabytes) {
        return scaled(megabytes, 1L << 20, "MiB");
    }

    /**
     * A size of {@code gigabytes} GiB.
     *
     * @param gigabytes the size in GiB (1024 MiB), not negative
     * @return the size
     * @throws InvalidSpecException if it is negative or does not fit in a {@code long} of bytes
     */
    public static DataSize ofGigabytes(long gigabytes) {
        return scaled(gigabytes, 1L << 30, "GiB");
    }

    /**
     * Parses a number with an optional binary unit suffix: {@code k}, {@code m}, {@code g} or {@code t},
     * optionally followed by {@code b} or {@code ib}, case-insensitive. No suffix means bytes.
     *
     * @param text a size such as {@code "512k"}, {@code "64MiB"} or {@code "4096"}
     * @return the size
     * @throws InvalidSpecException naming the text if it is not such a size
     */
    public static DataSize parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new InvalidSpecException("size", "\"" + text + "\" is not a size like 512k, 64m, 2g or 4096");
        }
        long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            default -> 1;
        };
        try {
            return scaled(Long.parseLong(m.group(1)), factor, "units");
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("size", "\"" + text + "\" is too large");
        }
    }

    private static DataSize scaled(long amount, long factor, String unit) {
        if (amount < 0) {
            throw new InvalidSpecException("size", "must not be negative, got " + amount + " " + unit);
        }
        try {
            return new DataSize(Math.multiplyExact(amount, factor));
        } catch (ArithmeticException e) {
            throw new InvalidSpecException("size", "" + amount + " " + unit + " does not fit in 63 bits of bytes");
        }
    }

    @Override
    public int compareTo(DataSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** The largest exact binary unit: "64 MiB", "1536 KiB", "100 bytes". */
    @Override
    public String toString() {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (4 - i));
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + " " + units[i];
            }
        }
        return bytes + " bytes";
    }
}
