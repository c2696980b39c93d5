package dev.panamax;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LaunchSmokeTest {
    @Test
    void runsAShell() throws Exception {
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).hostname("box")
                    .command("sh", "-c", "echo $$ $(hostname); ls /proc/self/fd; ip link 2>&1 | head -3; exit 3")
                    .stdout(Stdio.pipe()).build();
            System.out.println(Launcher.plan(spec));
            try (Container c = Launcher.launch(spec)) {
                String out = new String(c.stdout().readAllBytes());
                System.out.println(out);
                assertEquals(3, c.waitFor().code());
            }
        }
    }
}
