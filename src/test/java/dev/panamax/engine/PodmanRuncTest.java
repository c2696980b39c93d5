package dev.panamax.engine;

import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/** The podman harness with Debian's runc: proves the fixture, and is the benchmark's baseline. */
@Tag("kernel")
class PodmanRuncTest extends PodmanClientTest {
    @Override
    Path runtime() {
        return Path.of("/usr/sbin/runc");
    }
}
