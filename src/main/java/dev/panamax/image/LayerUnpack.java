package dev.panamax.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * How the store turns a layer blob into a directory: the one call into the layer unpacker
 * ({@code LayerUnpacker.unpack(in, digest, target, options)} once it is in this build), kept behind this
 * interface so the store compiles and its tests run without it.
 */
@FunctionalInterface
interface LayerUnpack {
    /** Until the layer unpacker is merged: unpacking a layer fails, naming what is missing. */
    LayerUnpack MISSING = (layer, digest, target) -> {
        throw new UnsupportedOperationException("unpacking layer " + digest
                + ": this build has no layer unpacker (LayerUnpacker)");
    };

    /**
     * Unpacks a layer (tar, gzip or zstd) into an empty directory.
     *
     * @param layer  the blob's bytes as stored
     * @param digest the blob's digest, for messages
     * @param target the empty directory to fill
     * @throws IOException if reading or writing fails, or the layer is refused
     */
    void unpack(InputStream layer, Digest digest, Path target) throws IOException;
}
