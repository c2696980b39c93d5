package dev.panamax.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the store turns a layer blob into a directory: {@link #SECURE}, the one call into {@link LayerUnpacker}
 * (root's options as root, the rootless ones otherwise); tests may give the store another.
 */
@FunctionalInterface
interface LayerUnpack {
    /** The store's unpacker: {@link LayerUnpacker} with the options for this process's privileges. */
    LayerUnpack SECURE = secure(UnpackOptions.DEFAULT_MAX_BYTES, UnpackOptions.DEFAULT_MAX_ENTRIES);

    /**
     * {@link LayerUnpacker} with the options for this process's privileges and these limits.
     *
     * @param maxBytes   the most file content bytes one layer may write; positive
     * @param maxEntries the most tar entries one layer may hold; positive
     * @return the unpacker
     */
    static LayerUnpack secure(long maxBytes, long maxEntries) {
        UnpackOptions limits = UnpackOptions.root().withMaxBytes(maxBytes).withMaxEntries(maxEntries); // checked now
        return (layer, digest, target) -> LayerUnpacker.unpack(layer, digest.toString(), target,
                unprivileged() ? UnpackOptions.rootlessDefaults().withMaxBytes(limits.maxBytes())
                        .withMaxEntries(limits.maxEntries()) : limits).notes();
    }

    /**
     * Unpacks a layer (tar, gzip or zstd) into an empty directory.
     *
     * @param layer  the blob's bytes as stored
     * @param digest the blob's digest, for messages
     * @param target the empty directory to fill
     * @return the notes on what the layer holds that was skipped or dropped ({@link UnpackSummary#notes()})
     * @throws IOException if reading or writing fails, or the layer is refused
     */
    List<String> unpack(InputStream layer, Digest digest, Path target) throws IOException;

    /**
     * Whether {@link #unpack} writes opaque directories in the rootless form ({@code user.overlay.*}); the store
     * records it with each layer. {@link #SECURE}'s choice by default.
     *
     * @return true for the rootless form
     * @throws IOException if the effective uid cannot be read
     */
    default boolean rootless() throws IOException {
        return unprivileged();
    }

    /** Whether this process's effective uid is not 0 ({@code /proc/self} belongs to the effective uid). */
    static boolean unprivileged() throws IOException {
        return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid") != 0;
    }
}
