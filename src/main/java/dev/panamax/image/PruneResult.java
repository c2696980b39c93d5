package dev.panamax.image;

/**
 * What {@link ImageStore#prune()} removed, and what it spared.
 *
 * @param blobs       blobs no image referenced
 * @param layers      unpacked layer directories no image referenced
 * @param debris      temporary files and directories an interrupted write left
 * @param layersInUse unpacked layer directories no image referenced that were kept because a running container
 *                    uses them (their pins were held); a prune after those containers are closed removes them
 */
public record PruneResult(int blobs, int layers, int debris, int layersInUse) {
    /**
     * A prune that spared no layer.
     *
     * @param blobs  blobs removed
     * @param layers layer directories removed
     * @param debris temporaries removed
     */
    public PruneResult(int blobs, int layers, int debris) {
        this(blobs, layers, debris, 0);
    }
}
