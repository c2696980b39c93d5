package dev.panamax.image;

/**
 * How {@link LayerUnpacker} unpacks a layer.
 *
 * @param rootless   unpacking without root: no ownership change (files belong to the caller), opaque
 *                   directories in the {@code user.overlay.*} form of an overlay mounted with {@code userxattr}
 *                   (whiteouts are character devices 0:0 in both forms), device nodes skipped with a note,
 *                   {@code security.capability} dropped
 * @param maxBytes   the most file content bytes the layer may write (a bomb stops with
 *                   {@link UnpackException.Rule#SIZE_LIMIT}); positive
 * @param maxEntries the most tar entries the layer may hold ({@link UnpackException.Rule#ENTRY_LIMIT}); positive
 */
public record UnpackOptions(boolean rootless, long maxBytes, long maxEntries) {
    /** The default content limit: 32 GiB. */
    public static final long DEFAULT_MAX_BYTES = 32L << 30;
    /** The default entry limit: one million. */
    public static final long DEFAULT_MAX_ENTRIES = 1_000_000;

    /**
     * Checks the limits.
     *
     * @throws IllegalArgumentException if {@code maxBytes} or {@code maxEntries} is not positive
     */
    public UnpackOptions {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: positive, got " + maxBytes);
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries: positive, got " + maxEntries);
        }
    }

    /**
     * The defaults as root: owners, device nodes and {@code trusted.overlay.opaque} applied.
     *
     * @return the options
     */
    public static UnpackOptions root() {
        return new UnpackOptions(false, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);
    }

    /**
     * The defaults without root (see {@code rootless}).
     *
     * @return the options
     */
    public static UnpackOptions rootlessDefaults() {
        return new UnpackOptions(true, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);
    }

    /**
     * These options with another content limit.
     *
     * @param bytes the most file content bytes; positive
     * @return the new options
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public UnpackOptions withMaxBytes(long bytes) {
        return new UnpackOptions(rootless, bytes, maxEntries);
    }

    /**
     * These options with another entry limit.
     *
     * @param entries the most tar entries; positive
     * @return the new options
     * @throws IllegalArgumentException if {@code entries} is not positive
     */
    public UnpackOptions withMaxEntries(long entries) {
        return new UnpackOptions(rootless, maxBytes, entries);
    }
}
