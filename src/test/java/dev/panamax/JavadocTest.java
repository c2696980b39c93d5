package dev.panamax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API documentation is complete: the JDK's javadoc with every doclint check ({@code -Xdoclint:all}) finds
 * nothing to report in the packages module-info exports (a missing {@code @param}, {@code @return},
 * {@code @throws} or comment, a broken link, bad HTML). It documents the module from its sources, the generated
 * bindings included so that it compiles, into a temporary directory.
 *
 * <p>The javadoc of the JDK running the tests runs in a JVM of its own with only the C1 compiler: on this code
 * that takes less than half the CPU time of a run in the test JVM (~3 s instead of ~7 s), the JIT's C2 work
 * being most of it.
 */
class JavadocTest {
    /** The project directory: the parent of Maven's target directory (surefire sets the property). */
    private static final Path PROJECT =
            Path.of(System.getProperty("panamax.build.dir", "target")).toAbsolutePath().getParent();

    /** The jars of the image support's optional dependencies (module-info {@code requires static}), from this JVM's paths. */
    private static String optionalJars() {
        String paths = System.getProperty("jdk.module.path", "") + java.io.File.pathSeparator
                + System.getProperty("java.class.path", "");
        return java.util.Arrays.stream(paths.split(java.io.File.pathSeparator))
                .filter(jar -> jar.endsWith(".jar") && OPTIONAL.stream().anyMatch(
                        name -> Path.of(jar).getFileName().toString().startsWith(name)))
                .distinct().collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** File name prefixes of the optional dependencies' jars (pom.xml, {@code <optional>true</optional>}). */
    private static final List<String> OPTIONAL = List.of("commons-compress-", "aircompressor-", "jackson-databind-",
            "jackson-core-", "jackson-annotations-", "commons-cli-");

    @Test
    void exportedPackagesHaveNoJavadocWarnings(@TempDir Path out) throws IOException, InterruptedException {
        String sources = PROJECT.resolve("src/main/java") + ":" + PROJECT.resolve("bindings");
        Process javadoc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javadoc").toString(),
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
                "-Xdoclint:all", "-Xmaxwarns", "10000", "-Xmaxerrs", "10000", "-quiet", "-d", out.toString(),
                "-notimestamp", "-noindex", "-notree", "-nohelp", "-nodeprecatedlist",
                "--module-path", optionalJars(),
                "--module-source-path", "dev.panamax=" + sources, "--module", "dev.panamax")
                .redirectErrorStream(true).start();
        String log;
        try {
            log = new String(javadoc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(javadoc.waitFor(2, TimeUnit.MINUTES), "javadoc still runs after 2 minutes");
        } finally {
            javadoc.destroyForcibly();
            javadoc.waitFor();
        }
        List<String> findings = log.lines()
                .filter(line -> line.contains(": warning: ") || line.contains(": error: "))
                .map(line -> line.replace(PROJECT + "/", ""))
                .toList();
        assertTrue(findings.isEmpty(), () -> findings.size() + " javadoc findings:\n" + String.join("\n", findings));
        assertEquals(0, javadoc.exitValue(), () -> "javadoc failed:\n" + log);
    }
}
