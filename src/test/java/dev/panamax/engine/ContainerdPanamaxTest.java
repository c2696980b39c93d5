package dev.panamax.engine;

import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/** containerd with the built panamax command as the shim's runtime ({@code ctr run --runc-binary}). */
@Tag("kernel")
@Tag("packaging") // after the package phase, which builds the command (execution packaged-cli)
class ContainerdPanamaxTest extends ContainerdClientTest {
    @Override
    Path runtime() {
        return PanamaxRuntime.binary();
    }
}
