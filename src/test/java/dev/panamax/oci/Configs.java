package dev.panamax.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** config.json documents for the tests: a small valid one to edit, and its bundle with an empty rootfs. */
final class Configs {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A minimal runc-like config: mount, pid, ipc, uts and network namespaces, /proc and /dev, sh as root. */
    static final String MINIMAL = """
            {
              "ociVersion": "1.2.0",
              "process": {
                "user": {"uid": 0, "gid": 0},
                "args": ["sh", "-c", "echo hi"],
                "env": ["PATH=/bin", "HOME=/root"],
                "cwd": "/"
              },
              "root": {"path": "rootfs"},
              "hostname": "box",
              "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                 "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}
              ],
              "linux": {
                "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                               {"type": "mount"}]
              }
            }
            """;

    private Configs() {
    }

    /** {@return the minimal config as a tree to edit} */
    static ObjectNode minimal() {
        return (ObjectNode) tree(MINIMAL);
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the object at a dotted path of {@code root}, made if missing} */
    static ObjectNode at(ObjectNode root, String dotted) {
        ObjectNode node = root;
        for (String part : dotted.split("\\.")) {
            node = node.has(part) ? (ObjectNode) node.get(part) : node.putObject(part);
        }
        return node;
    }

    static ArrayNode array(String json) {
        return (ArrayNode) tree(json);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bundle in {@code dir}: an empty {@code rootfs} directory; returns {@code dir}. */
    static Path bundle(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("rootfs"));
        return dir;
    }
}
