package dev.panamax.engine;

import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/** The containerd harness with Debian's runc: proves the fixture, and is the benchmark's baseline. */
@Tag("kernel")
class ContainerdRuncTest extends ContainerdClientTest {
    @Override
    Path runtime() {
        return Path.of("/usr/sbin/runc");
    }
}
