package dev.panamax.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the OCI JSON documents as Jackson trees, field by field, so that an error names the document and the
 * field ({@code manifest: layers[2].digest: missing}); the records stay free of Jackson annotations.
 */
final class Json {
    /** The largest manifest, index or config read (a registry's usual limit is 4 MiB). */
    static final int MAX_DOCUMENT = 4 * 1024 * 1024;
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private Json() {
    }

    /** Parses a document of at most {@link #MAX_DOCUMENT} bytes into an object node. */
    static ObjectNode parse(byte[] bytes, String what) {
        if (!(parseAny(bytes, what) instanceof ObjectNode object)) {
            throw new IllegalArgumentException(what + ": not a JSON object");
        }
        return object;
    }

    /** Parses a document of at most {@link #MAX_DOCUMENT} bytes. */
    static JsonNode parseAny(byte[] bytes, String what) {
        ImageSupport.require();
        if (bytes.length > MAX_DOCUMENT) {
            throw new IllegalArgumentException(what + ": " + bytes.length + " bytes, more than the limit of "
                    + MAX_DOCUMENT);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(what + ": not valid JSON: " + e.getMessage(), e);
        }
        return node;
    }

    /** A required string field. */
    static String string(JsonNode node, String field, String where) {
        String value = optString(node, field, where);
        if (value == null) {
            throw new IllegalArgumentException(where + "." + field + ": missing");
        }
        return value;
    }

    /** An optional string field, or null. */
    static String optString(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + ": not a string");
        }
        return value.textValue();
    }

    /** A required non-negative integer field. */
    static long size(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(where + "." + field + ": missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new IllegalArgumentException(where + "." + field + ": not a non-negative integer");
        }
        return value.longValue();
    }

    /** An optional array field as its elements (empty when absent or null). */
    static List<JsonNode> array(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(where + "." + field + ": not an array");
        }
        List<JsonNode> elements = new ArrayList<>();
        value.forEach(elements::add);
        return elements;
    }

    /** An optional array of strings (empty when absent or null). */
    static List<String> strings(JsonNode node, String field, String where) {
        List<String> values = new ArrayList<>();
        List<JsonNode> elements = array(node, field, where);
        for (int i = 0; i < elements.size(); i++) {
            if (!elements.get(i).isTextual()) {
                throw new IllegalArgumentException(where + "." + field + "[" + i + "]: not a string");
            }
            values.add(elements.get(i).textValue());
        }
        return List.copyOf(values);
    }

    /** An optional object of string values (empty when absent or null), in document order. */
    static Map<String, String> stringMap(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException(where + "." + field + ": not an object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException(where + "." + field + "." + e.getKey() + ": not a string");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(map);
    }

    /** The keys of an optional object (e.g. ExposedPorts), in document order. */
    static List<String> keys(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException(where + "." + field + ": not an object");
        }
        List<String> keys = new ArrayList<>();
        value.fieldNames().forEachRemaining(keys::add);
        return List.copyOf(keys);
    }

    /** A required digest field. */
    static Digest digest(JsonNode node, String field, String where) {
        String text = string(node, field, where);
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "." + field + ": " + e.getMessage(), e);
        }
    }

    /** A new empty object node, for documents Panamax writes. */
    static ObjectNode object() {
        ImageSupport.require();
        return MAPPER.createObjectNode();
    }

    /** A node's compact JSON bytes. */
    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getOriginalMessage(), e);
        }
    }
}
