package dev.panamax.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image config (OCI or Docker) that running it needs: the process defaults and the layer
 * identities.
 *
 * @param platform     the image's os, architecture and variant
 * @param entrypoint   {@code Entrypoint} (empty if none)
 * @param cmd          {@code Cmd} (empty if none)
 * @param env          {@code Env}, {@code NAME=value} strings
 * @param workingDir   {@code WorkingDir}, or the empty string
 * @param user         {@code User}, or the empty string
 * @param stopSignal   {@code StopSignal}, or the empty string
 * @param exposedPorts the keys of {@code ExposedPorts}, e.g. {@code 80/tcp}
 * @param labels       {@code Labels}
 * @param diffIds      {@code rootfs.diff_ids}: the digests of the uncompressed layers, bottom first
 * @param history      {@code history}
 */
public record ImageConfig(Platform platform, List<String> entrypoint, List<String> cmd, List<String> env,
                          String workingDir, String user, String stopSignal, List<String> exposedPorts,
                          Map<String, String> labels, List<Digest> diffIds, List<History> history) {
    /**
     * One step of the image's history.
     *
     * @param created    the time, as written (RFC 3339), or the empty string
     * @param createdBy  the command that made the step, or the empty string
     * @param comment    the comment, or the empty string
     * @param emptyLayer whether the step made no layer
     */
    public record History(String created, String createdBy, String comment, boolean emptyLayer) {
    }

    /**
     * Copies the lists and maps.
     *
     * @param platform     the platform
     * @param entrypoint   the entrypoint
     * @param cmd          the command
     * @param env          the environment
     * @param workingDir   the working directory
     * @param user         the user
     * @param stopSignal   the stop signal
     * @param exposedPorts the exposed ports
     * @param labels       the labels
     * @param diffIds      the layer diff ids
     * @param history      the history
     */
    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        exposedPorts = List.copyOf(exposedPorts);
        labels = Map.copyOf(labels);
        diffIds = List.copyOf(diffIds);
        history = List.copyOf(history);
    }

    /**
     * Reads an image config of at most 4 MiB.
     *
     * @param json the config's bytes
     * @return the config
     * @throws IllegalArgumentException naming the field that is missing or wrong, or the size limit
     * @throws IllegalStateException    if Jackson is missing ({@link ImageSupport#require()})
     */
    public static ImageConfig parse(byte[] json) {
        ObjectNode node = Json.parse(json, "config");
        Platform platform;
        try {
            platform = new Platform(Json.string(node, "os", "config"), Json.string(node, "architecture", "config"),
                    Json.optString(node, "variant", "config"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config: " + e.getMessage(), e);
        }
        JsonNode c = node.path("config");
        String at = "config.config";
        JsonNode rootfs = node.get("rootfs");
        if (rootfs == null || !rootfs.isObject()) {
            throw new IllegalArgumentException("config.rootfs: missing");
        }
        List<Digest> diffIds = new ArrayList<>();
        List<JsonNode> ids = Json.array(rootfs, "diff_ids", "config.rootfs");
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isTextual()) {
                throw new IllegalArgumentException("config.rootfs.diff_ids[" + i + "]: not a string");
            }
            try {
                diffIds.add(Digest.parse(ids.get(i).textValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("config.rootfs.diff_ids[" + i + "]: " + e.getMessage(), e);
            }
        }
        List<History> history = new ArrayList<>();
        List<JsonNode> steps = Json.array(node, "history", "config");
        for (int i = 0; i < steps.size(); i++) {
            String where = "config.history[" + i + "]";
            JsonNode h = steps.get(i);
            JsonNode empty = h.get("empty_layer");
            history.add(new History(orEmpty(Json.optString(h, "created", where)),
                    orEmpty(Json.optString(h, "created_by", where)), orEmpty(Json.optString(h, "comment", where)),
                    empty != null && empty.asBoolean(false)));
        }
        return new ImageConfig(platform, Json.strings(c, "Entrypoint", at), Json.strings(c, "Cmd", at),
                Json.strings(c, "Env", at), orEmpty(Json.optString(c, "WorkingDir", at)),
                orEmpty(Json.optString(c, "User", at)), orEmpty(Json.optString(c, "StopSignal", at)),
                Json.keys(c, "ExposedPorts", at), Json.stringMap(c, "Labels", at), diffIds, history);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
