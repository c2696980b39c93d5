package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One launch end to end, checking what the shell reports: pid 1, the hostname, loopback only, the exit code. */
@Tag("kernel")
class LaunchSmokeTest {
    @Test
    void runsAShell() throws Exception {
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).hostname("box")
                    .command("sh", "-c", "echo $$ $(hostname); ip -o link | cut -d: -f2; exit 3")
                    .stdout(Stdio.pipe()).build();
            List<String> plan = Launcher.plan(spec).lines().toList();
            assertTrue(plan.getLast().contains("execve(\"/bin/sh\", [\"sh\", \"-c\""), String.join("\n", plan));
            try (Container c = Launcher.launch(spec)) {
                String out = new String(c.stdout().readAllBytes());
                assertEquals("1 box\n lo\n", out, "pid 1, the spec's hostname, only loopback in the new net namespace");
                assertEquals(3, c.waitFor().code());
            }
        }
    }
}
