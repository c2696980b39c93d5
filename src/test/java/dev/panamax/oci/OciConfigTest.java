package dev.panamax.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the runtime reads from a config besides the spec: version, hooks, annotations, terminal, cgroup path. */
class OciConfigTest {

    private static OciConfig parse(ObjectNode config) {
        return OciConfig.parse(Configs.bytes(config));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.2.1", "1.0.0-rc5"})
    void specVersionsOneZeroToOneTwoAreAccepted(String version) {
        ObjectNode config = Configs.minimal();
        config.put("ociVersion", version);
        assertEquals(version, parse(config).ociVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.3.0", "0.5.0", "2.0.0", "1.2", "latest"})
    void otherSpecVersionsAreRefusedByName(String version) {
        ObjectNode config = Configs.minimal();
        config.put("ociVersion", version);
        OciConfigException e = assertThrows(OciConfigException.class, () -> parse(config));
        assertEquals("ociVersion", e.path());
        assertEquals("ociVersion: \"" + version + "\" not supported (1.0.0 to 1.2.x)", e.getMessage());
    }

    @Test
    void aConfigWithoutVersionOrNotJsonIsRefused() {
        ObjectNode config = Configs.minimal();
        config.remove("ociVersion");
        assertEquals("ociVersion: missing", assertThrows(OciConfigException.class, () -> parse(config)).getMessage());
        OciConfigException e = assertThrows(OciConfigException.class,
                () -> OciConfig.parse("{\"ociVersion\": ".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith(": not valid JSON"), e.getMessage());
        assertEquals(": not a JSON object", assertThrows(OciConfigException.class,
                () -> OciConfig.parse("[]".getBytes(StandardCharsets.UTF_8))).getMessage());
    }

    @Test
    void hooksAreKeptPerLifecyclePointWithArgsEnvAndTimeout() {
        ObjectNode config = Configs.minimal();
        config.set("hooks", Configs.tree("""
                {"prestart": [{"path": "/usr/bin/fix-mounts", "args": ["fix-mounts", "arg1"], "env": ["key1=value1"]}],
                 "createRuntime": [{"path": "/usr/bin/net", "timeout": 5}, {"path": "/usr/bin/second"}],
                 "poststop": [{"path": "/usr/sbin/cleanup.sh", "args": ["cleanup.sh", "-f"]}]}
                """));
        OciConfig c = parse(config);
        assertEquals(List.of(new OciHook("/usr/bin/fix-mounts", List.of("fix-mounts", "arg1"), List.of("key1=value1"),
                OptionalInt.empty())), c.hooks(OciHook.Point.PRESTART));
        assertEquals(List.of(new OciHook("/usr/bin/net", List.of(), List.of(), OptionalInt.of(5)),
                new OciHook("/usr/bin/second", List.of(), List.of(), OptionalInt.empty())),
                c.hooks(OciHook.Point.CREATE_RUNTIME));
        assertEquals(List.of(), c.hooks(OciHook.Point.START_CONTAINER));
        assertEquals(List.of("cleanup.sh", "-f"), c.hooks(OciHook.Point.POSTSTOP).get(0).args());
    }

    @Test
    void aHookWithARelativePathOrNoPositiveTimeoutIsRefusedByPath() {
        ObjectNode config = Configs.minimal();
        config.set("hooks", Configs.tree("{\"poststart\": [{\"path\": \"/bin/ok\"}, {\"path\": \"hook.sh\"}]}"));
        OciConfigException e = assertThrows(OciConfigException.class, () -> parse(config));
        assertEquals("hooks.poststart[1]", e.path());
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
        config.set("hooks", Configs.tree("{\"poststart\": [{\"path\": \"/bin/ok\", \"timeout\": 0}]}"));
        assertEquals("hooks.poststart[0].timeout", assertThrows(OciConfigException.class, () -> parse(config)).path());
    }

    @Test
    void annotationsTerminalConsoleSizeAndCgroupsPathAreReadable() {
        ObjectNode config = Configs.minimal();
        config.set("annotations", Configs.tree("{\"com.example.key1\": \"value1\", \"com.example.key2\": \"value2\"}"));
        Configs.at(config, "process").put("terminal", true);
        Configs.at(config, "process.consoleSize").put("height", 24).put("width", 80);
        Configs.at(config, "linux").put("cgroupsPath", "/myRuntime/myContainer");
        OciConfig c = parse(config);
        assertEquals(Map.of("com.example.key1", "value1", "com.example.key2", "value2"), c.annotations());
        assertEquals(List.of("com.example.key1", "com.example.key2"), List.copyOf(c.annotations().keySet()));
        assertTrue(c.terminal());
        assertEquals(Optional.of(new OciConfig.ConsoleSize(24, 80)), c.consoleSize());
        assertEquals(Optional.of("/myRuntime/myContainer"), c.cgroupsPath());

        OciConfig plain = parse(Configs.minimal());
        assertFalse(plain.terminal());
        assertEquals(Optional.empty(), plain.consoleSize());
        assertEquals(Optional.empty(), plain.cgroupsPath());
        assertEquals(Map.of(), plain.annotations());
    }

    @Test
    void unknownTopLevelFieldsAreIgnoredAndListedAsTheSpecAsks() {
        ObjectNode config = Configs.minimal();
        config.put("org.example.extension", "x");
        config.putObject("platform").put("os", "linux");
        Configs.at(config, "hooks").set("preCheckpoint", Configs.array("[{\"path\": \"/bin/true\"}]"));
        assertEquals(List.of("org.example.extension", "platform", "hooks.preCheckpoint"), parse(config).ignoredFields());
    }

    @ParameterizedTest
    @ValueSource(strings = {"windows", "solaris", "vm", "zos"})
    void anotherPlatformsSectionIsRefused(String platform) {
        ObjectNode config = Configs.minimal();
        config.putObject(platform);
        OciConfigException e = assertThrows(OciConfigException.class, () -> parse(config));
        assertEquals(platform + ": not supported (Panamax runs Linux containers)", e.getMessage());
    }
}
