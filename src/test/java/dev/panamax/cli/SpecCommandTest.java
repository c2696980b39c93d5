package dev.panamax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code panamax spec}: runc's starter config.json, rootless or not, never over an existing file. */
class SpecCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RUNC = Path.of("/usr/sbin/runc");

    private static JsonNode panamaxSpec(Path dir, String... flags) throws Exception {
        String[] args = new String[flags.length + 3];
        args[0] = "spec";
        args[1] = "--bundle";
        args[2] = dir.toString();
        System.arraycopy(flags, 0, args, 3, flags.length);
        CliRun run = CliRun.of(args);
        assertEquals(0, run.status(), run::toString);
        assertEquals("", run.out() + run.err(), run::toString);
        return JSON.readTree(dir.resolve("config.json").toFile());
    }

    /** {@code runc spec} in a directory of its own (runc 1.1 writes into its working directory). */
    private static JsonNode runcSpec(Path dir, String... flags) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(RUNC), "runc is not installed (.ci/deps installs it): "
                + "nothing to compare the starter config.json with");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(RUNC.toString(), "spec"));
        command.addAll(java.util.List.of(flags));
        Process runc = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(runc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(runc.waitFor(30, TimeUnit.SECONDS), "runc spec did not end");
            assertEquals(0, runc.exitValue(), out);
        } finally {
            runc.destroyForcibly().waitFor();
        }
        return JSON.readTree(dir.resolve("config.json").toFile());
    }

    /** The tree without what differs by design: the spec version and the hostname. */
    private static JsonNode comparable(JsonNode config) {
        ObjectNode copy = config.deepCopy();
        copy.remove("ociVersion");
        copy.remove("hostname");
        return copy;
    }

    @Test
    void specWritesRuncsStarterConfig(@TempDir Path dir) throws Exception {
        Path ours = Files.createDirectory(dir.resolve("panamax"));
        Path theirs = Files.createDirectory(dir.resolve("runc"));
        JsonNode config = panamaxSpec(ours);
        assertEquals("1.2.0", config.get("ociVersion").asText());
        assertEquals("panamax", config.get("hostname").asText());
        assertEquals(comparable(runcSpec(theirs)), comparable(config));
    }

    @Test
    void rootlessSpecWritesRuncsRootlessConfig(@TempDir Path dir) throws Exception {
        Path ours = Files.createDirectory(dir.resolve("panamax"));
        Path theirs = Files.createDirectory(dir.resolve("runc"));
        JsonNode config = panamaxSpec(ours, "--rootless");
        assertEquals(comparable(runcSpec(theirs, "--rootless")), comparable(config));
    }

    @Test
    void rootlessSpecMapsTheCallersIdsToRootInAUserNamespace(@TempDir Path dir) throws Exception {
        JsonNode linux = panamaxSpec(dir, "--rootless").get("linux");
        ProcessIds ids = ProcessIds.current();
        assertEquals(ids.euid(), linux.at("/uidMappings/0/hostID").asInt());
        assertEquals(ids.egid(), linux.at("/gidMappings/0/hostID").asInt());
        assertEquals(0, linux.at("/uidMappings/0/containerID").asInt());
        String namespaces = linux.get("namespaces").toString();
        assertTrue(namespaces.contains("\"user\"") && !namespaces.contains("\"network\""), namespaces);
        assertFalse(linux.has("resources"), "a rootless container cannot have device rules");
    }

    @Test
    void specIsTabIndentedAsRuncWritesIt(@TempDir Path dir) throws Exception {
        panamaxSpec(dir);
        String text = Files.readString(dir.resolve("config.json"));
        assertTrue(text.startsWith("{\n\t\"ociVersion\": \"1.2.0\",\n\t\"process\": {\n\t\t\"terminal\": true,"), text);
    }

    @Test
    void specRefusesToOverwriteAnExistingConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "mine");
        CliRun run = CliRun.of("spec", "--bundle", dir.toString());
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("File config.json exists in " + dir + ". Remove it first"), run::toString);
        assertEquals("mine", Files.readString(dir.resolve("config.json")));
    }

    @Test
    void specIntoAMissingBundleNamesTheFlagAndPath(@TempDir Path dir) {
        CliRun run = CliRun.of("spec", "--bundle", dir.resolve("missing").toString());
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("--bundle " + dir.resolve("missing") + ": no such directory"), run::toString);
    }
}
