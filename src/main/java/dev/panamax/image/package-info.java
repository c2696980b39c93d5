/**
 * OCI images: references ({@link dev.panamax.image.ImageReference}), digests, the OCI model (manifest, index,
 * image config) and a local content-addressed store ({@link dev.panamax.image.ImageStore}) filled from OCI
 * layouts, {@code oci-archive} and {@code docker save} tars.
 *
 * <p>This package needs two optional dependencies of Panamax that a user adds: Jackson databind (JSON) and
 * Apache Commons Compress (tar, gzip). Without them, {@link dev.panamax.image.ImageSupport#require()} throws one
 * error naming the missing artifacts; the rest of Panamax needs neither.
 */
package dev.panamax.image;
