package dev.panamax.engine;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * podman with the built panamax command as its OCI runtime ({@code podman --runtime}): every test of
 * {@link PodmanClientTest}, exec ({@code panamax exec --process FILE --detach --pid-file}, the status through
 * conmon) included; {@code run -it} ({@code panamax create --console-socket}) with its own check, below.
 */
@Tag("kernel")
@Tag("packaging") // after the package phase, which builds the command (execution packaged-cli)
class PodmanPanamaxTest extends PodmanClientTest {
    @Override
    Path runtime() {
        return PanamaxRuntime.binary();
    }

    /**
     * {@code run -it}: the standard streams are the terminal whose master conmon got over its console socket, and
     * the exit status comes back. Unlike runc, Panamax opens the pty in the host's devpts, so inside a container
     * with a devpts of its own {@code tty} cannot name it ({@code ttyname} fails): README, "podman and containerd".
     */
    @Override
    @Test
    void runItGivesTheContainerATerminal() {
        Tool.Result r = podman.runOnTerminal(runtime(), List.of("--rm", "-it"), "sh", "-c",
                "'[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo ALL-A-TTY'");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("ALL-A-TTY"), r.stdout());
        assertEquals(4, podman.runOnTerminal(runtime(), List.of("--rm", "-it"), "sh", "-c", "'exit 4'").exit());
    }
}
