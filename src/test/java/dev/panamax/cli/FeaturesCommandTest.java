package dev.panamax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.Capability;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code panamax features}: the runtime-spec features document, describing what Panamax supports. */
class FeaturesCommandTest {
    private static JsonNode features() throws Exception {
        CliRun run = CliRun.of("features");
        assertEquals(0, run.status(), run::toString);
        assertEquals("", run.err(), run::toString);
        return new ObjectMapper().readTree(run.out());
    }

    private static List<String> strings(JsonNode array) {
        assertTrue(array.isArray(), () -> array + " is not an array");
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    @Test
    void theVersionRangeIsTheSpecsPanamaxReads() throws Exception {
        JsonNode f = features();
        assertEquals("1.0.0", f.get("ociVersionMin").asText());
        assertEquals("1.2.0", f.get("ociVersionMax").asText());
        assertEquals(Version.panamax(), f.at("/annotations/dev.panamax.version").asText());
    }

    @Test
    void everyNamespaceKindIsListedByItsRuntimeSpecName() throws Exception {
        assertEquals(List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"),
                strings(features().at("/linux/namespaces")));
    }

    @Test
    void everyCapabilityPanamaxKnowsIsListedWithItsCapPrefix() throws Exception {
        List<String> caps = strings(features().at("/linux/capabilities"));
        assertEquals(Capability.values().length, caps.size());
        assertEquals("CAP_CHOWN", caps.getFirst());
        assertTrue(caps.contains("CAP_CHECKPOINT_RESTORE") && caps.contains("CAP_NET_ADMIN"), caps::toString);
    }

    @Test
    void seccompListsTheActionsOperatorsAndArchitectureTheFilterCompilerHandles() throws Exception {
        JsonNode seccomp = features().at("/linux/seccomp");
        assertTrue(seccomp.get("enabled").asBoolean());
        List<String> actions = strings(seccomp.get("actions"));
        assertTrue(actions.containsAll(List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS",
                "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_LOG")), actions::toString);
        assertFalse(actions.contains("SCMP_ACT_NOTIFY") || actions.contains("SCMP_ACT_TRACE"), actions::toString);
        assertEquals(List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"), strings(seccomp.get("operators")));
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_X86_64"), strings(seccomp.get("archs")),
                "the architectures with a syscall table");
    }

    @Test
    void unsupportedSubsystemsSayNo() throws Exception {
        JsonNode linux = features().get("linux");
        assertFalse(linux.at("/cgroup/systemd").asBoolean(true), "systemd cgroups are not supported");
        assertTrue(linux.at("/cgroup/v1").asBoolean() && linux.at("/cgroup/v2").asBoolean());
        assertFalse(linux.at("/apparmor/enabled").asBoolean(true));
        assertFalse(linux.at("/selinux/enabled").asBoolean(true));
        assertFalse(linux.at("/mountExtensions/idmap/enabled").asBoolean(true));
    }

    @Test
    void mountOptionsAreSortedAndCoverTheFlagsPanamaxSets() throws Exception {
        List<String> options = strings(features().get("mountOptions"));
        assertEquals(options.stream().sorted().toList(), options);
        for (dev.panamax.mount.MountOption o : dev.panamax.mount.MountOption.values()) {
            String name = switch (o) {
                case RDONLY -> "ro";
                default -> o.name().toLowerCase(java.util.Locale.ROOT);
            };
            assertTrue(options.contains(name), () -> name + " missing from " + options);
        }
        assertTrue(options.containsAll(List.of("bind", "rbind", "rprivate", "rslave", "rshared")), options::toString);
    }

    @Test
    void theDocumentIsIndentedAsRuncsIs() {
        CliRun run = CliRun.of("features");
        assertTrue(run.out().startsWith("{\n    \"ociVersionMin\": \"1.0.0\",\n"), run::toString);
        assertTrue(run.out().endsWith("}\n"), run::toString);
    }
}
