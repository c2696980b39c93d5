package dev.panamax.engine;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/**
 * podman with the built panamax command as its OCI runtime ({@code podman --runtime}). Exec and {@code -it} wait
 * for the exec command and {@code --console-socket} (branch img-ociexec): podman calls {@code panamax exec} and
 * {@code panamax create --console-socket}; remove the overrides below once they are merged.
 */
@Tag("kernel")
class PodmanPanamaxTest extends PodmanClientTest {
    @Override
    Path runtime() {
        return PanamaxRuntime.binary();
    }
}
