package dev.panamax.image;

/**
 * An image in the store: a reference and the digest of its manifest (for one platform).
 *
 * @param reference the canonical reference it was stored under
 * @param manifest  the digest of its manifest blob
 */
public record ImageRecord(ImageReference reference, Digest manifest) {
}
