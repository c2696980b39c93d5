package dev.panamax.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image manifest for one platform, OCI or Docker schema 2: the config blob and the layers, bottom first.
 *
 * @param mediaType   {@link MediaTypes#OCI_MANIFEST} or {@link MediaTypes#DOCKER_MANIFEST}
 * @param config      the image config's descriptor
 * @param layers      the layers, bottom first
 * @param annotations the annotations (empty if none)
 */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers,
                            Map<String, String> annotations) {
    /**
     * Copies the lists.
     *
     * @param mediaType   the manifest's media type
     * @param config      the config descriptor
     * @param layers      the layer descriptors
     * @param annotations the annotations
     */
    public ImageManifest {
        layers = List.copyOf(layers);
        annotations = Map.copyOf(annotations);
    }

    /**
     * Reads a manifest of at most 4 MiB.
     *
     * @param json the manifest's bytes
     * @return the manifest
     * @throws IllegalArgumentException naming the field that is missing or wrong, an unknown media type or the
     *                                  size limit
     * @throws IllegalStateException    if Jackson is missing ({@link ImageSupport#require()})
     */
    public static ImageManifest parse(byte[] json) {
        ObjectNode node = Json.parse(json, "manifest");
        String mediaType = Json.optString(node, "mediaType", "manifest");
        if (mediaType == null) {
            mediaType = MediaTypes.OCI_MANIFEST; // optional in OCI 1.0 manifests
        }
        if (!MediaTypes.MANIFESTS.contains(mediaType)) {
            throw new IllegalArgumentException("manifest: media type '" + mediaType + "' is not an image manifest ("
                    + (MediaTypes.INDEXES.contains(mediaType) ? "an index: choose a platform first" : "expected "
                    + MediaTypes.OCI_MANIFEST + " or " + MediaTypes.DOCKER_MANIFEST) + ")");
        }
        JsonNode config = node.get("config");
        if (config == null || config.isNull()) {
            throw new IllegalArgumentException("manifest.config: missing");
        }
        List<Descriptor> layers = new ArrayList<>();
        List<JsonNode> nodes = Json.array(node, "layers", "manifest");
        for (int i = 0; i < nodes.size(); i++) {
            layers.add(Descriptor.read(nodes.get(i), "manifest.layers[" + i + "]"));
        }
        return new ImageManifest(mediaType, Descriptor.read(config, "manifest.config"), layers,
                Json.stringMap(node, "annotations", "manifest"));
    }
}
