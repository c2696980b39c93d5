package dev.panamax.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image index (OCI) or manifest list (Docker): manifests for several platforms, or an OCI layout's
 * {@code index.json}.
 *
 * @param mediaType   {@link MediaTypes#OCI_INDEX} or {@link MediaTypes#DOCKER_MANIFEST_LIST}
 * @param manifests   the entries
 * @param annotations the annotations (empty if none)
 */
public record ImageIndex(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
    /**
     * Copies the lists.
     *
     * @param mediaType   the index's media type
     * @param manifests   the entries
     * @param annotations the annotations
     */
    public ImageIndex {
        manifests = List.copyOf(manifests);
        annotations = Map.copyOf(annotations);
    }

    /**
     * Reads an index of at most 4 MiB.
     *
     * @param json the index's bytes
     * @return the index
     * @throws IllegalArgumentException naming the field that is missing or wrong, the media type or the size limit
     * @throws IllegalStateException    if Jackson is missing ({@link ImageSupport#require()})
     */
    public static ImageIndex parse(byte[] json) {
        ObjectNode node = Json.parse(json, "index");
        String mediaType = Json.optString(node, "mediaType", "index");
        if (mediaType == null) {
            mediaType = MediaTypes.OCI_INDEX; // index.json of a layout often has none
        }
        if (!MediaTypes.INDEXES.contains(mediaType)) {
            throw new IllegalArgumentException("index: media type '" + mediaType + "' is not an image index");
        }
        List<Descriptor> manifests = new ArrayList<>();
        List<JsonNode> nodes = Json.array(node, "manifests", "index");
        for (int i = 0; i < nodes.size(); i++) {
            manifests.add(Descriptor.read(nodes.get(i), "index.manifests[" + i + "]"));
        }
        return new ImageIndex(mediaType, manifests, Json.stringMap(node, "annotations", "index"));
    }

    /**
     * The manifest for a platform: the first entry whose platform matches exactly, else the first that
     * {@link Platform#matches} (e.g. {@code linux/arm64} takes {@code linux/arm64/v8}).
     *
     * @param wanted the platform to run
     * @return the entry's descriptor
     * @throws IllegalArgumentException naming the platform and the platforms the index offers
     */
    public Descriptor select(Platform wanted) {
        for (Descriptor d : manifests) {
            if (wanted.equals(d.platform())) {
                return d;
            }
        }
        for (Descriptor d : manifests) {
            if (d.platform() != null && wanted.matches(d.platform())) {
                return d;
            }
        }
        List<String> offered = new ArrayList<>();
        for (Descriptor d : manifests) {
            offered.add(d.platform() == null ? "(no platform)" : d.platform().toString());
        }
        throw new IllegalArgumentException("index: no manifest for platform " + wanted + "; it offers "
                + (offered.isEmpty() ? "nothing" : String.join(", ", offered)));
    }
}
