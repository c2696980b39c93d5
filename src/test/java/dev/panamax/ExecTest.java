package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Container#exec}: a process started in a running container joins its namespaces, root and cgroup,
 * and gets no more than the container has.
 */
@Tag("kernel")
class ExecTest extends BusyboxTest {

    /** A container that sleeps until it is closed. */
    private static ContainerSpec.Builder sleeper() {
        return ContainerSpec.builder().rootfs(root.path()).hostname("box").command("sleep", "1000");
    }

    /** The exec of {@code argv} with piped output, the container's default environment, in /. */
    private static ProcessSpec command(String... argv) {
        return ContainerSpec.builder().command(argv).stdout(Stdio.pipe()).stderr(Stdio.pipe()).build().process();
    }

    private static Run exec(Container c, String... argv) {
        try (Container e = c.exec(command(argv))) {
            return Run.of(e, List.of(argv));
        }
    }

    @Test
    void execSeesTheContainersProcessesHostnameAndMounts() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            String ps = exec(c, "ps", "-o", "pid,args").ok().stdout();
            assertTrue(ps.lines().anyMatch(l -> l.strip().matches("1 sleep 1000")), ps);
            assertEquals(3, ps.lines().count(), "the header, sleep and ps itself: " + ps);
            assertEquals("box", exec(c, "hostname").ok().stdout().strip());
            String mounts = exec(c, "cat", "/proc/self/mountinfo").ok().stdout();
            assertEquals(Files.readString(Path.of("/proc/" + c.pid() + "/mountinfo")), mounts);
            assertNotEquals(Files.readString(Path.of("/proc/self/mountinfo")), mounts);
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/mnt")).toString(),
                    exec(c, "readlink", "/proc/self/ns/mnt").ok().stdout().strip());
        }
    }

    @Test
    void theExitStatusIsTheCommands() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            assertEquals(42, exec(c, "sh", "-c", "exit 42").status().code());
            Run killed = exec(c, "sh", "-c", "kill -KILL $$");
            assertEquals(9, killed.status().signal(), killed.toString());
        }
    }

    @Test
    void destroyEndsTheExecNotTheContainer() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            try (Container e = c.exec(command("sleep", "1000"))) {
                Thread.sleep(100);
                e.destroy();
                ExitStatus s = e.waitFor(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("not ended"));
                assertEquals(15, s.signal(), s.toString());
            }
            try (Container e = c.exec(command("sleep", "1000"))) {
                Thread.sleep(100);
                e.destroyForcibly();
                assertTrue(e.waitFor(Duration.ofSeconds(5)).isPresent());
            }
            Thread.sleep(200);
            String ps = exec(c, "ps", "-o", "pid,stat,args").ok().stdout();
            assertEquals(1, ps.lines().filter(l -> l.contains("sleep 1000")).count(),
                    "the killed exec's command died with its relay: " + ps);
            assertTrue(c.isAlive());
        }
    }

    @Test
    void execIntoAnExitedContainerFailsSpecifically() throws Exception {
        try (Container c = Launcher.launch(ContainerSpec.builder().rootfs(root.path()).command("true").build())) {
            c.waitFor();
            LaunchException e = assertThrows(LaunchException.class, () -> c.exec(command("true")));
            assertEquals("ESRCH", e.errnoName());
            assertTrue(e.getMessage().contains("has exited"), e.getMessage());
        }
    }

    @Test
    void execLeavesNoDescriptorAndNoProcess() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            exec(c, "true").ok();
            Leaks before = Leaks.snapshot();
            for (int i = 0; i < 20; i++) {
                exec(c, "true").ok();
            }
            assertThrows(LaunchException.class, () -> c.exec(command("/no/such/program")));
            before.assertNothingNewIn(Leaks.snapshot());
        }
    }
}
