package dev.panamax.image;

import dev.panamax.examples.PullImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pull example ({@code exec:exec@pull}) as a user runs it, in its own JVM, against a real
 * {@code docker-registry} holding a three-layer image: in a terminal ({@code script} gives it a pty) it draws a
 * bar per layer with ANSI escapes; piped, it prints one line per layer. Tagged {@code kernel} as
 * {@link RegistryPullTest}.
 */
@Tag("kernel")
class PullExampleTest {
    @TempDir
    Path dir;

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the example did not end");
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void thePullExampleDrawsABarPerLayerInATerminalAndALinePerLayerWhenPiped() throws Exception {
        Fixtures.assumeTools("script");
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        Fixtures.addLayers(dir.resolve("image"), layout, "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", "pmx/layers:1.0", null);
            String ref = registry.address() + "/pmx/layers:1.0";

            String piped = run(Fixtures.childJvmCommand(PullImage.class, ref, Platform.current().toString(),
                    dir.resolve("piped").toString()));
            ImageStore store = ImageStore.open(dir.resolve("piped"));
            ImageRecord image = store.find(ImageReference.parse(ref)).orElseThrow();
            List<Descriptor> layers = store.manifest(image).layers();
            assertEquals(3, layers.size());
            for (Descriptor layer : layers) {
                assertTrue(piped.contains(layer.digest().hex().substring(0, 12) + " [" + "#".repeat(30) + "] 100% "),
                        piped);
            }
            assertFalse(piped.contains("\033["), "no escapes when piped: " + piped);
            Platform platform = store.config(image).platform(); // umoci's: this machine's (arm64 without v8)
            assertTrue(Platform.current().matches(platform), platform + " on " + Platform.current());
            assertTrue(piped.lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(ref)
                    + ": 3 layers, \\d+\\.\\d (kB|MB)")), "the image's size first: " + piped);
            assertTrue(piped.contains("Pulled " + ref + ": manifest " + image.manifest() + ", 3 layers, " + platform),
                    piped);

            String shell = Fixtures.childJvmCommand(PullImage.class, ref, Platform.current().toString(),
                    dir.resolve("terminal").toString()).stream().map(w -> "'" + w + "'")
                    .collect(Collectors.joining(" "));
            String terminal = run(List.of("script", "-qec", shell, "/dev/null"));
            assertTrue(terminal.contains("\033[3A\r\033[2K"), "the bars are redrawn in place: " + terminal);
            for (Descriptor layer : layers) {
                assertTrue(terminal.contains("\033[2K" + layer.digest().hex().substring(0, 12) + " ["), terminal);
            }
            assertTrue(terminal.contains("Pulled " + ref), terminal);
            assertTrue(Files.isDirectory(dir.resolve("terminal/layers").resolve(layers.get(2).digest().hex())));
        }
    }

    @Test
    void thePullExampleRunsThePulledImageWithTheGivenArgumentsAndPrintsItsOutput() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", "pmx/app:1.0", null);
            String ref = registry.address() + "/pmx/app:1.0";
            String out = run(Fixtures.childJvmCommand(PullImage.class, ref, Platform.current().toString(),
                    dir.resolve("store").toString(), "--", "/bin/sh", "-c", "echo hello from $(pwd) as $(id -u)"));
            assertTrue(out.contains("Pulled " + ref), out);
            assertTrue(out.contains("hello from /srv as 0\n"), "the image's WorkingDir, root inside: " + out);
            assertTrue(out.contains("Exit: "), out);
        }
    }
}
