package dev.panamax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.panamax.StartRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code create} saves of a container in its state file ({@code <root>/<id>/state.json}), for the later
 * commands: written once before the launch (no {@link #record}: the container is being created, and the
 * {@link #creatorPid creating CLI} is named so that a {@code delete --force} after its crash finds the cgroup),
 * and again with the record once the container waits.
 *
 * @param id           the container's id
 * @param bundle       the bundle directory, absolute
 * @param rootfs       the root filesystem, absolute
 * @param created      when {@code create} ran, RFC 3339
 * @param owner        the owner's user name, or empty (runc's {@code owner})
 * @param annotations  the config's annotations
 * @param cgroupsPath  the cgroup path {@code create} asked for (the config's, or {@code /panamax/<id>})
 * @param cgroupParent the runtime's parent cgroup the path is placed below ({@code /panamax})
 * @param creatorPid   the pid of the {@code create} (or {@code run}) CLI
 * @param creatorStart its start time ({@code /proc/PID/stat} field 22)
 * @param record       the container's start record, empty while it is being created
 */
record SavedState(String id, Path bundle, Path rootfs, String created, String owner, Map<String, String> annotations,
                  String cgroupsPath, String cgroupParent, long creatorPid, long creatorStart, Optional<StartRecord> record) {

    /**
     * Copies the annotations.
     *
     * @throws NullPointerException for a null field
     */
    SavedState {
        annotations = Map.copyOf(annotations);
        java.util.Objects.requireNonNull(record, "record");
    }

    /**
     * This state with the container's record.
     *
     * @param started the record
     * @return the new state
     */
    SavedState withRecord(StartRecord started) {
        return new SavedState(id, bundle, rootfs, created, owner, annotations, cgroupsPath, cgroupParent, creatorPid,
                creatorStart, Optional.of(started));
    }

    /** {@return the state file's text: a JSON object} */
    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("bundle", bundle.toString());
        m.put("rootfs", rootfs.toString());
        m.put("created", created);
        m.put("owner", owner);
        m.put("annotations", new LinkedHashMap<>(new java.util.TreeMap<>(annotations)));
        m.put("cgroupsPath", cgroupsPath);
        m.put("cgroupParent", cgroupParent);
        m.put("creatorPid", creatorPid);
        m.put("creatorStart", creatorStart);
        m.put("record", record.map(StartRecord::text).orElse(null));
        return Json.pretty(m, "  ") + "\n";
    }

    /**
     * Reads a state file's text.
     *
     * @param text the text {@link #json()} wrote
     * @param file the file, for messages
     * @return the state
     * @throws CliException naming the file and the field that is missing or malformed
     */
    static SavedState parse(String text, Path file) {
        try {
            JsonNode n = dev.panamax.oci.JsonTree.read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (n == null) {
                n = com.fasterxml.jackson.databind.node.MissingNode.getInstance(); // empty: every field is missing
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            JsonNode a = n.path("annotations");
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) a::fields) {
                annotations.put(e.getKey(), e.getValue().asText());
            }
            JsonNode record = n.path("record");
            return new SavedState(text(n, "id", file), Path.of(text(n, "bundle", file)), Path.of(text(n, "rootfs", file)),
                    text(n, "created", file), text(n, "owner", file), annotations, text(n, "cgroupsPath", file),
                    text(n, "cgroupParent", file), n.path("creatorPid").asLong(), n.path("creatorStart").asLong(),
                    record.isTextual() ? Optional.of(StartRecord.parse(record.asText())) : Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(file + ": not a panamax state file: " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new CliException(file + ": field \"" + field + "\" missing or not a string");
        }
        return v.asText();
    }
}
