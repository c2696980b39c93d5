package dev.panamax.image;

import java.util.Set;

/** The media types of OCI and Docker schema 2 documents and layers that the store reads. */
public final class MediaTypes {
    /** An OCI image manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** An OCI image index. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** An OCI image config. */
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** A Docker schema 2 manifest. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** A Docker manifest list. */
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** A Docker image config. */
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    /** An uncompressed Docker layer, as {@code docker save} writes them. */
    public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

    /** The manifest media types (an image for one platform). */
    public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    /** The index media types (images for several platforms). */
    public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

    private MediaTypes() {
    }
}
