package dev.panamax.sys.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed bindings are what {@code headers/regenerate} makes now, for x86-64 and aarch64: a change of
 * {@code headers/} without regenerating, or a hand edit of {@code bindings/}, fails here. It needs jextract
 * (see {@code headers/README.md}), which no registry packages, so it runs only where {@code JEXTRACT} names one.
 */
class BindingsRegenerationTest {

    private static final Path BINDINGS = Path.of("bindings");

    @Test
    void theCommittedBindingsAreWhatRegenerateMakes(@TempDir Path out) throws Exception {
        String jextract = System.getenv("JEXTRACT");
        Assumptions.assumeTrue(jextract != null && Files.isExecutable(Path.of(jextract)),
                "set JEXTRACT to a jextract build (headers/README.md) to compare bindings/ with a regeneration");
        Process p = new ProcessBuilder("headers/regenerate", out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "headers/regenerate did not finish: " + log);
        assertEquals(0, p.exitValue(), log);
        Map<Path, String> committed = files(BINDINGS);
        Map<Path, String> regenerated = files(out);
        assertEquals(committed.keySet(), regenerated.keySet(), "the generated files");
        List<Path> differ = new ArrayList<>();
        committed.forEach((file, text) -> {
            if (!text.equals(regenerated.get(file))) {
                differ.add(file);
            }
        });
        assertEquals(List.of(), differ, "files that differ from a regeneration");
        assertTrue(committed.containsKey(Path.of("dev/panamax/bindings/aarch64/linux_h.java")), log);
    }

    /** Every file under {@code root}, by its path relative to it. */
    private static Map<Path, String> files(Path root) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(f), Files.readString(f));
            }
        }
        return files;
    }
}
