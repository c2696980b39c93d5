package dev.panamax.engine;

import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/** containerd with the built panamax command as the shim's runtime ({@code ctr run --runc-binary}). */
@Tag("kernel")
class ContainerdPanamaxTest extends ContainerdClientTest {
    @Override
    Path runtime() {
        return PanamaxRuntime.binary();
    }
}
