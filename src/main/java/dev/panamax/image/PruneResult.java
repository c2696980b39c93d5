package dev.panamax.image;

/**
 * What {@link ImageStore#prune()} removed.
 *
 * @param blobs  blobs no image referenced
 * @param layers unpacked layer directories no image referenced
 * @param debris temporary files and directories an interrupted write left
 */
public record PruneResult(int blobs, int layers, int debris) {
}
