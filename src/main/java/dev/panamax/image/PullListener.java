package dev.panamax.image;

/**
 * Progress of a pull's layers, for a progress bar or a log ({@link RegistryClient.Builder#listener}). Layers
 * download in parallel: the methods are called from several threads at once, for different layers; the calls for
 * one layer come from one thread at a time and in order ({@code layerStarted}, {@code bytes}..., {@code layerDone}).
 * A layer already stored is reported at once as complete; a download resumed from a partial file starts at the
 * bytes it had. Every method does nothing by default; what a method throws ends the pull.
 */
public interface PullListener {
    /**
     * A layer's download begins (or is found stored already).
     *
     * @param layer the layer blob's digest
     * @param size  its size in bytes, from the manifest
     */
    default void layerStarted(Digest layer, long size) {
    }

    /**
     * Bytes of a layer are stored: after each buffer read, and once when the layer was stored already or resumed.
     * {@code done} starts again from 0 when a registry answers a resume with the whole blob.
     *
     * @param layer the layer blob's digest
     * @param done  the bytes of the layer stored so far
     * @param total the layer's size in bytes
     */
    default void bytes(Digest layer, long done, long total) {
    }

    /**
     * A layer is stored and verified (not yet unpacked).
     *
     * @param layer the layer blob's digest
     */
    default void layerDone(Digest layer) {
    }
}
