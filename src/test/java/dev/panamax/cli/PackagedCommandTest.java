package dev.panamax.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The installable layout that {@code mvn package} builds (target/panamax-cli): its {@code bin/panamax} runs,
 * with the AOT cache of the build's JVM, and {@code bin/panamax-install} installs a working copy. Tagged
 * {@code packaging}: the execution {@code packaged-cli} runs it after the package phase ({@code mvn verify}).
 */
@Tag("packaging")
class PackagedCommandTest {
    private static final Path LAYOUT = Path.of(System.getProperty("panamax.build.dir", "target"), "panamax-cli")
            .toAbsolutePath();

    private static Path layout() {
        Assumptions.assumeTrue(Files.isExecutable(LAYOUT.resolve("bin/panamax")), "no layout in target/panamax-cli:"
                + " mvn package builds it, and mvn verify runs this test after it (execution packaged-cli)");
        return LAYOUT;
    }

    /** Runs a command with JAVA_HOME and PANAMAX_JAVA_HOME removed: the layout's own record picks the JVM. */
    private static String run(int expected, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.remove("PANAMAX_JAVA_HOME");
        env.remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "still running: " + String.join(" ", command));
            assertEquals(expected, p.exitValue(), () -> String.join(" ", command) + ":\n" + out);
            return out;
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void theBuiltLauncherPrintsTheVersion() throws Exception {
        Path layout = layout();
        assertEquals("panamax version " + Version.panamax() + "\nspec: 1.2.0\n",
                run(0, layout.resolve("bin/panamax").toString(), "--version"));
    }

    @Test
    void theBuiltLauncherReportsFailuresAsRuncDoes() throws Exception {
        String out = run(3, layout().resolve("bin/panamax").toString(), "no-such-command");
        assertTrue(out.contains("level=error msg=\"No help topic for 'no-such-command'\""), out);
    }

    @Test
    void theLayoutHoldsTheJarsAndAnAotCacheOfItsRecordedJvm() throws Exception {
        Path lib = layout().resolve("lib");
        List<String> jars;
        try (var files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
        for (String prefix : List.of("panamax-", "commons-cli-", "jackson-databind-", "commons-compress-", "aircompressor-")) {
            assertTrue(jars.stream().anyMatch(j -> j.startsWith(prefix)), () -> prefix + "*.jar missing: " + jars);
        }
        String home = Files.readString(lib.resolve("java-home")).strip();
        assertTrue(Files.isExecutable(Path.of(home, "bin/java")), home);
        if (Runtime.version().feature() >= 25 && home.equals(System.getProperty("java.home"))) {
            assertTrue(Files.size(lib.resolve("panamax.aot")) > 0, "no AOT cache from a JDK 25 build");
            assertEquals(home + " " + System.getProperty("java.runtime.version"),
                    Files.readString(lib.resolve("panamax.aot.jvm")).strip());
        }
    }

    @Test
    void aStaleAotCacheNeverWritesIntoTheCommandsOutput(@TempDir Path copy) throws Exception {
        Path layout = layout();
        Assumptions.assumeTrue(Files.exists(layout.resolve("lib/panamax.aot")), "the build made no AOT cache"
                + " (a JDK before 25): nothing to go stale");
        for (String dir : List.of("bin", "lib")) {
            Files.createDirectories(copy.resolve(dir));
            try (var files = Files.list(layout.resolve(dir))) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(dir).resolve(f.getFileName()),
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        try (var jars = Files.list(copy.resolve("lib"))) {
            Path jar = jars.filter(p -> p.getFileName().toString().startsWith("panamax-")).findFirst().orElseThrow();
            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0)); // the cache's check fails
        }
        ProcessBuilder pb = new ProcessBuilder(copy.resolve("bin/panamax").toString(), "features")
                .redirectError(copy.resolve("stderr").toFile());
        pb.environment().remove("PANAMAX_JAVA_HOME");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "features still runs");
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.startsWith("{\n"), () -> "the JVM's AOT warnings went into the output:\n" + out);
            assertTrue(Files.readString(copy.resolve("stderr")).contains("[aot]"),
                    "the stale cache went unnoticed: the test checks nothing");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void panamaxInstallMakesAWorkingCommandUnderThePrefix(@TempDir Path prefix) throws Exception {
        String out = run(0, "sh", layout().resolve("bin/panamax-install").toString(), prefix.toString());
        assertTrue(out.contains("panamax version " + Version.panamax()), out);
        Path command = prefix.resolve("bin/panamax");
        assertTrue(Files.isSymbolicLink(command), command + " is no symbolic link");
        Path spec = Files.createDirectory(prefix.resolve("bundle"));
        assertEquals("", run(0, command.toString(), "spec", "--bundle", spec.toString()));
        assertTrue(Files.readString(spec.resolve("config.json")).contains("\"hostname\": \"panamax\""));
        Path installedLib = prefix.resolve("lib/panamax/lib");
        if (Files.exists(LAYOUT.resolve("lib/panamax.aot"))) {
            assertTrue(Files.exists(installedLib.resolve("panamax.aot")), "install made no AOT cache");
        }
    }
}
