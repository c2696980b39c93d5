/**
 * OCI images: references ({@link dev.panamax.image.ImageReference}), digests, the OCI model (manifest, index,
 * image config), a local content-addressed store ({@link dev.panamax.image.ImageStore}) filled from OCI
 * layouts, {@code oci-archive} and {@code docker save} tars, the secure layer unpacker
 * ({@link dev.panamax.image.LayerUnpacker}), and a stored image ready to run ({@link dev.panamax.image.Image}:
 * {@code store.image(ref).root()} is the {@link dev.panamax.ContainerImage} a container takes).
 *
 * <p>This package needs optional dependencies of Panamax that a user adds: Jackson databind (JSON), Apache
 * Commons Compress (tar, gzip) and aircompressor (zstd). Without them,
 * {@link dev.panamax.image.ImageSupport#require()} throws one error naming the missing artifacts; the rest of
 * Panamax needs none of them.
 */
package dev.panamax.image;
