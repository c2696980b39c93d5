package dev.panamax.engine;

import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/** podman with the built panamax command as its OCI runtime ({@code podman --runtime}). */
@Tag("kernel")
class PodmanPanamaxTest extends PodmanClientTest {
    @Override
    Path runtime() {
        return PanamaxRuntime.binary();
    }
}
