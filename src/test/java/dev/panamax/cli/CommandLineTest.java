package dev.panamax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** runc's command line: global flags before the command, its log formats, its usage errors and exit codes. */
class CommandLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void versionPrintsPanamaxsVersionAndTheSpecVersionAsRuncDoes() throws Exception {
        String pomVersion = pomVersion();
        for (String flag : List.of("--version", "-v")) {
            CliRun run = CliRun.of(flag);
            assertEquals(0, run.status(), run::toString);
            assertEquals("panamax version " + pomVersion + "\nspec: 1.2.0\n", run.out(), run::toString);
            assertEquals("", run.err(), run::toString);
        }
    }

    @Test
    void globalFlagsBeforeTheCommandApplyToIt(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.json");
        CliRun run = CliRun.of("--debug", "--root", dir.resolve("state").toString(), "--log", log.toString(),
                "--log-format", "json", "features");
        assertEquals(0, run.status(), run::toString);
        assertEquals("1.2.0", JSON.readTree(run.out()).get("ociVersionMax").asText());
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), () -> "one debug line expected: " + lines);
        JsonNode debug = JSON.readTree(lines.getFirst());
        assertEquals("debug", debug.get("level").asText());
        assertTrue(debug.get("msg").asText().endsWith("features"), debug::toString);
        assertFalse(Files.exists(dir.resolve("state")), "features made the state directory");
    }

    @Test
    void aFailureWithAJsonLogFileWritesRuncsFieldsThereAndTheMessageOnStderr(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.json");
        Files.writeString(dir.resolve("config.json"), "{}");
        CliRun run = CliRun.of("--log", log.toString(), "--log-format", "json", "spec", "--bundle", dir.toString());
        assertEquals(1, run.status(), run::toString);
        String message = "File config.json exists in " + dir + ". Remove it first";
        assertEquals(message + "\n", run.err(), run::toString);
        JsonNode line = JSON.readTree(Files.readString(log));
        assertEquals(List.of("level", "msg", "time"), iterable(line.fieldNames()));
        assertEquals("error", line.get("level").asText());
        assertEquals(message, line.get("msg").asText());
        OffsetDateTime time = OffsetDateTime.parse(line.get("time").asText());
        assertTrue(Math.abs(time.toEpochSecond() - OffsetDateTime.now().toEpochSecond()) < 60, line::toString);
    }

    @Test
    void aFailureWithoutALogFileWritesOneTextLineOnStderr(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        CliRun run = CliRun.of("spec", "-b", dir.toString());
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().matches("time=\"[0-9T:-]+Z\" level=error msg=\"File config.json exists in "
                + java.util.regex.Pattern.quote(dir.toString()) + ". Remove it first\"\n"), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void textLogLinesQuoteTheMessageAsLogrusDoes() {
        OffsetDateTime time = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 6_000_000, ZoneOffset.UTC);
        assertEquals("time=\"2026-01-02T03:04:05Z\" level=warning msg=\"a \\\"b\\\"\\n\\tc\"",
                Log.line(Log.Format.TEXT, Log.Level.WARNING, "a \"b\"\n\tc", time));
        assertEquals("{\"level\":\"info\",\"msg\":\"x\\u0001\",\"time\":\"2026-01-02T03:04:05Z\"}",
                Log.line(Log.Format.JSON, Log.Level.INFO, "x\u0001", time));
    }

    @Test
    void anUnknownGlobalFlagIsAUsageErrorWithStatus1() {
        CliRun run = CliRun.of("--bogus", "features");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("level=error msg=\"flag provided but not defined: --bogus\""), run::toString);
        assertTrue(run.err().contains("Incorrect Usage: flag provided but not defined: --bogus"), run::toString);
        assertTrue(run.err().contains("Usage: panamax"), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    void anUnknownCommandFlagShowsThatCommandsUsage() {
        CliRun run = CliRun.of("spec", "--bogus");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("Incorrect Usage: flag provided but not defined: --bogus"), run::toString);
        assertTrue(run.err().contains("Usage: panamax spec"), run::toString);
    }

    @Test
    void anUnknownCommandHasNoHelpTopicAndStatus3AsInRunc() {
        CliRun run = CliRun.of("frobnicate");
        assertEquals(3, run.status(), run::toString);
        assertTrue(run.err().contains("level=error msg=\"No help topic for 'frobnicate'\""), run::toString);
    }

    @Test
    void aBadLogFormatNamesTheFlagAndTheValue() {
        CliRun run = CliRun.of("--log-format", "xml", "features");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("invalid log-format: xml (text or json)"), run::toString);
    }

    @Test
    void systemdCgroupIsRefusedWithAClearError() {
        CliRun run = CliRun.of("--systemd-cgroup", "features");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("--systemd-cgroup: not supported"), run::toString);
        assertEquals("", run.out(), "the command ran despite the refused flag");
    }

    @Test
    void noCommandPrintsTheUsageListingTheCommands() {
        CliRun run = CliRun.of();
        assertEquals(0, run.status(), run::toString);
        assertTrue(run.out().contains("Usage: panamax"), run::toString);
        for (String flag : List.of("--root", "--log", "--log-format", "--debug", "--systemd-cgroup", "--version")) {
            assertTrue(run.out().contains(flag), () -> flag + " missing from the usage:\n" + run.out());
        }
        assertTrue(run.out().contains("features") && run.out().contains("spec"), run::toString);
    }

    @Test
    void theRootDefaultsToRunPanamaxForRootAndIsTakenFromTheFlag() {
        PanamaxCommand command = new PanamaxCommand();
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        Path expected = ProcessIds.current().euid() == 0 || runtimeDir == null || runtimeDir.isEmpty()
                ? Path.of("/run/panamax") : Path.of(runtimeDir, "panamax");
        assertEquals(expected, command.root());
        command.root = Path.of("/tmp/pmx-root");
        assertEquals(Path.of("/tmp/pmx-root"), command.root());
    }

    @Test
    void theEffectiveIdsComeFromTheStatusFilesSecondColumn() {
        assertEquals(new ProcessIds(1000, 100), ProcessIds.parse("Name:\tx\nUid:\t0\t1000\t0\t0\nGid:\t5\t100\t5\t5\n"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProcessIds.parse("Name:\tx\nUid:\t0\t0\t0\t0\n"));
        assertEquals("no \"Gid:\" line", e.getMessage());
    }

    @Test
    void withoutCommonsCliTheCommandNamesTheMissingArtifact() throws Exception {
        // this build's classes alone on the module path: Commons CLI (requires static) is not there
        Path classes = Path.of(System.getProperty("panamax.build.dir", "target")).resolve("classes");
        Process jvm = new ProcessBuilder(ChildJvm.java(), "-p", classes.toString(), "-m",
                "dev.panamax/dev.panamax.cli.Main", "--version").redirectErrorStream(true).start();
        try {
            String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertEquals(1, jvm.exitValue(), out);
            assertTrue(out.contains("level=error msg=\"the panamax command (dev.panamax.cli) needs "
                    + "commons-cli:commons-cli:1.11.0"), out);
            assertTrue(out.contains("--add-modules org.apache.commons.cli"), out);
        } finally {
            jvm.destroyForcibly().waitFor();
        }
    }

    @Test
    void theNamedCommonsCliVersionIsThePoms() throws Exception {
        String[] gav = CliSupport.ARTIFACT.split(":");
        assertTrue(pom().contains("<groupId>" + gav[0] + "</groupId>\n      <artifactId>" + gav[1]
                + "</artifactId>\n      <version>" + gav[2] + "</version>"), "pom.xml does not declare " + CliSupport.ARTIFACT);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static String pom() throws java.io.IOException {
        return Files.readString(Path.of(System.getProperty("panamax.build.dir", "target")).toAbsolutePath()
                .getParent().resolve("pom.xml"));
    }

    private static String pomVersion() throws java.io.IOException {
        String pom = pom();
        int at = pom.indexOf("<version>", pom.indexOf("<artifactId>panamax</artifactId>"));
        return pom.substring(at + "<version>".length(), pom.indexOf("</version>", at));
    }
}
