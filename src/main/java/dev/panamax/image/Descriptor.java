package dev.panamax.image;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * An OCI content descriptor: what a blob is, its digest and size, and for index entries its platform.
 *
 * @param mediaType   the blob's media type
 * @param digest      the blob's digest
 * @param size        the blob's size in bytes
 * @param platform    the platform of an index entry, or {@code null}
 * @param annotations the annotations (empty if none)
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform,
                         Map<String, String> annotations) {
    /** The annotation naming an index entry of an OCI layout ({@code oci:DIR:NAME}). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    /**
     * Copies the annotations.
     *
     * @param mediaType   the blob's media type
     * @param digest      the blob's digest
     * @param size        the blob's size, not negative
     * @param platform    the platform or {@code null}
     * @param annotations the annotations
     * @throws IllegalArgumentException if the size is negative
     */
    public Descriptor {
        if (size < 0) {
            throw new IllegalArgumentException("descriptor: negative size " + size);
        }
        annotations = Map.copyOf(annotations);
    }

    /** Reads a descriptor node; {@code where} names it in errors (e.g. {@code manifest: layers[1]}). */
    static Descriptor read(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": not an object");
        }
        Platform platform = null;
        JsonNode p = node.get("platform");
        if (p != null && !p.isNull()) {
            String at = where + ".platform";
            try {
                platform = new Platform(Json.string(p, "os", at), Json.string(p, "architecture", at),
                        Json.optString(p, "variant", at));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        return new Descriptor(Json.string(node, "mediaType", where), Json.digest(node, "digest", where),
                Json.size(node, "size", where), platform, Json.stringMap(node, "annotations", where));
    }
}
