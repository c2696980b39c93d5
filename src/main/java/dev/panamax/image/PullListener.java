package dev.panamax.image;

/**
 * Progress of a pull, for a progress bar or a log ({@link RegistryClient.Builder#listener}): first
 * {@code pullStarted} with the image's layer count and size (from the pulling thread); then the layers' downloads,
 * in parallel: {@code layerStarted}, {@code bytes} and {@code layerDone} are called from several threads at once,
 * for different layers; the calls for one layer come from one thread at a time and in order ({@code layerStarted},
 * {@code bytes}..., {@code layerDone}). A layer already stored is reported at once as complete; a download resumed
 * from a partial file starts at the bytes it had. Then, as the layers are unpacked in order (from the pulling
 * thread), {@code layerNote} for each note of a layer's unpacking. Every method does nothing by default; what a
 * method throws ends the pull.
 */
public interface PullListener {
    /**
     * A pull begins: its manifest is known (for the platform asked), nothing of its config or layers is downloaded
     * yet. Called once per pull, before the other methods.
     *
     * @param image      the reference pulled
     * @param layers     the image's number of layers
     * @param totalBytes the layers' sizes together, from the manifest: what the {@code bytes} totals add up to
     *                   (layers already stored included)
     */
    default void pullStarted(ImageReference image, int layers, long totalBytes) {
    }

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

    /**
     * A note of a layer's unpacking: what the layer holds that its unpacked directory does not, e.g. a device node
     * skipped rootless, an extended attribute dropped, owners not applied rootless ({@link UnpackSummary#notes()}).
     * Told for each layer of the image that has notes, also one unpacked before (as {@link ImageStore#unpackNotes}
     * recorded them), after all downloads, as the layers are unpacked bottom first.
     *
     * @param layer the layer blob's digest
     * @param note  one note, e.g. {@code skipped device node dev/null (1:3): rootless}
     */
    default void layerNote(Digest layer, String note) {
    }
}
