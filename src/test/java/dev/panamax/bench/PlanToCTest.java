package dev.panamax.bench;

import dev.panamax.BusyboxRootfs;
import dev.panamax.ContainerSpec;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's C reference builds and launches (no timing is checked): the C that {@link PlanToC} writes
 * for the default plan compiles with launch_server.c and runs {@code true} in a container; a plan whose
 * execve fails reports the failure like the interpreter (a record on the error pipe), not a time.
 */
@Tag("kernel")
class PlanToCTest {

    @Test
    void theGeneratedDefaultPlanCompilesAndLaunches(@TempDir Path dir) throws Exception {
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            ContainerSpec.Builder spec = ContainerSpec.builder().rootfs(root.path()).hostname("c-plan")
                    .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC);
            List<PlanToC.Plan> plans = List.of(new PlanToC.Plan("default", spec.command("/bin/true").build()),
                    new PlanToC.Plan("no such command", spec.command("/bin/no-such-command").build()));
            try (LaunchServer c = CReference.start(plans, dir)) {
                assertTrue(c.launch('0') > 0);
                assertTrue(c.launch('s') > 0);
                assertThrows(IllegalStateException.class, () -> c.launch('1'));
                assertTrue(c.launch('0') > 0, "the server goes on after a failed launch");
            }
        }
    }
}
