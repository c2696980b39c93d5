package dev.panamax.oci;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Jackson tree node with its JSON path, read field by field with strict type checks: every error is an
 * {@link OciConfigException} naming the path ({@code process.user.uid: not a non-negative integer}).
 */
record OciNode(JsonNode json, String path) {

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** The path of a field of this object. */
    String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    OciConfigException error(String reason) {
        return new OciConfigException(path, reason);
    }

    /** Fails on a field this object may not have (a newer runtime-spec feature, or a typo). */
    OciNode known(Set<String> fields) {
        for (String name : (Iterable<String>) json::fieldNames) {
            if (!fields.contains(name)) {
                throw new OciConfigException(at(name), "unknown field; Panamax fails closed on a field it does not"
                        + " know here, as it may restrict the container");
            }
        }
        return this;
    }

    boolean has(String field) {
        JsonNode v = json.get(field);
        return v != null && !v.isNull();
    }

    /** An optional object field, or null. */
    OciNode object(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new OciConfigException(at(field), "not an object");
        }
        return new OciNode(v, at(field));
    }

    /** An optional array field's elements (empty when absent), each an object. */
    List<OciNode> objects(String field) {
        List<OciNode> out = new ArrayList<>();
        List<JsonNode> elements = elements(field);
        for (int i = 0; i < elements.size(); i++) {
            String p = at(field) + "[" + i + "]";
            if (!elements.get(i).isObject()) {
                throw new OciConfigException(p, "not an object");
            }
            out.add(new OciNode(elements.get(i), p));
        }
        return out;
    }

    /** An optional array of strings (empty when absent). */
    List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        List<JsonNode> elements = elements(field);
        for (int i = 0; i < elements.size(); i++) {
            if (!elements.get(i).isTextual()) {
                throw new OciConfigException(at(field) + "[" + i + "]", "not a string");
            }
            out.add(elements.get(i).textValue());
        }
        return out;
    }

    private List<JsonNode> elements(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new OciConfigException(at(field), "not an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    /** An optional object of strings (empty when absent), in document order. */
    Map<String, String> stringMap(String field) {
        OciNode o = object(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (o != null) {
            for (Map.Entry<String, JsonNode> e : o.json.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new OciConfigException(o.at(e.getKey()), "not a string");
                }
                out.put(e.getKey(), e.getValue().textValue());
            }
        }
        return out;
    }

    /** An optional string field, or null. */
    String string(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new OciConfigException(at(field), "not a string");
        }
        return v.textValue();
    }

    /** A required string field. */
    String requiredString(String field) {
        String s = string(field);
        if (s == null) {
            throw new OciConfigException(at(field), "missing");
        }
        return s;
    }

    /** An optional boolean field, or {@code otherwise}. */
    boolean bool(String field, boolean otherwise) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw new OciConfigException(at(field), "not a boolean");
        }
        return v.booleanValue();
    }

    /** An optional integer field in {@code min..max}, or null. */
    Long integer(String field, long min, long max) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new OciConfigException(at(field), "not an integer in " + min + ".." + max + ": " + v);
        }
        return v.longValue();
    }

    /** A required integer field in {@code min..max}. */
    long requiredInteger(String field, long min, long max) {
        Long v = integer(field, min, max);
        if (v == null) {
            throw new OciConfigException(at(field), "missing");
        }
        return v;
    }

    /** An optional unsigned 64-bit field as its two's complement bits (2^64-1 is -1), or null. */
    Long uint64(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.bigIntegerValue().signum() < 0 || v.bigIntegerValue().compareTo(UINT64_MAX) > 0) {
            throw new OciConfigException(at(field), "not an unsigned 64-bit integer: " + v);
        }
        return v.bigIntegerValue().longValue();
    }
}
