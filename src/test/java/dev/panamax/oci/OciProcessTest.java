package dev.panamax.oci;

import dev.panamax.Capability;
import dev.panamax.ProcessIdentity;
import dev.panamax.Rlimit;
import dev.panamax.Stdio;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An exec's process file ({@code runc exec --process}) maps as a config's process does. */
class OciProcessTest {
    private static OciProcess parse(String json) {
        return OciProcess.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aProcessFileGivesTheCommandUserCapabilitiesAndTerminal() {
        OciProcess p = parse("""
                {"terminal": true, "consoleSize": {"height": 30, "width": 100},
                 "user": {"uid": 5, "gid": 6, "additionalGids": [7]},
                 "args": ["sh", "-c", "id"], "env": ["A=b"], "cwd": "/tmp",
                 "capabilities": {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]},
                 "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}],
                 "noNewPrivileges": true}
                """);
        assertEquals(List.of("sh", "-c", "id"), p.process().argv());
        assertEquals(Map.of("A", "b"), p.process().environment());
        assertEquals("/tmp", p.process().workingDirectory());
        assertEquals(Stdio.terminal(), p.process().stdout());
        assertEquals(Optional.of(new ProcessIdentity(5, 6, List.of(7L))), p.options().user());
        assertEquals(Optional.of(Set.of(Capability.KILL)), p.options().capabilities());
        assertEquals(Optional.of(true), p.options().noNewPrivileges());
        assertEquals(new Rlimit.Value(100, 200), p.options().rlimits().get(Rlimit.NOFILE));
        assertTrue(p.terminal());
        assertEquals(Optional.of(new OciConfig.ConsoleSize(30, 100)), p.consoleSize());
    }

    @Test
    void anAppArmorProfileIsRefusedNamingTheField() {
        OciConfigException e = assertThrows(OciConfigException.class, () -> parse("""
                {"user": {"uid": 0, "gid": 0}, "args": ["true"], "cwd": "/", "apparmorProfile": "docker-default"}
                """));
        assertTrue(e.getMessage().contains("apparmorProfile"), e.getMessage());
    }

    @Test
    void aProcessFileWithoutArgsIsRefusedNamingTheField() {
        OciConfigException e = assertThrows(OciConfigException.class, () -> parse("""
                {"user": {"uid": 0, "gid": 0}, "cwd": "/"}
                """));
        assertTrue(e.getMessage().startsWith("args"), e.getMessage());
    }
}
