package dev.panamax.engine;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The panamax command that {@code mvn package} builds (target/panamax-cli/bin/panamax), as the engines' runtime. */
final class PanamaxRuntime {
    private PanamaxRuntime() {
    }

    /** {@return the built launcher; the test is skipped, saying why, when it is not built} */
    static Path binary() {
        Path bin = Path.of(System.getProperty("panamax.build.dir", "target"), "panamax-cli", "bin", "panamax")
                .toAbsolutePath();
        Assumptions.assumeTrue(Files.isExecutable(bin), "no " + bin + ": mvn package builds it");
        return bin;
    }
}
