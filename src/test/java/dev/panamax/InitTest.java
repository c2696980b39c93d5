package dev.panamax;

import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional init ({@code init(true)}): pid 1 of the container forwards signals to the command, reaps
 * orphans, and the handle reports the command's own status. Each behaviour is also shown failing without
 * the init, so the tests cannot pass for another reason.
 */
@Tag("kernel")
class InitTest extends BusyboxTest {

    private static ContainerSpec.Builder sh(String script, boolean init) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script).init(init);
    }

    @Test
    void destroyEndsAShellThatHasNoHandler() throws Exception {
        try (Container c = Launcher.launch(sh("sleep 100; true", true).build())) {
            Thread.sleep(200);
            c.destroy();
            ExitStatus s = c.waitFor(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("SIGTERM was not forwarded"));
            assertEquals(15, s.signal(), s.toString());
        }
        try (Container c = Launcher.launch(sh("sleep 100; true", false).build())) {
            Thread.sleep(200);
            c.destroy();
            assertTrue(c.waitFor(Duration.ofMillis(500)).isEmpty(), "without the init, pid 1 ignores SIGTERM");
        }
    }

    @Test
    void aSignalTheCommandSendsItselfIsReportedAsItsDeath() throws Exception {
        Run run = Run.of(sh("kill -SEGV $$", true));
        assertEquals(11, run.status().signal(), run.toString());
        assertTrue(run.status().toString().startsWith("killed by signal 11 (SIGSEGV)"), run.status().toString());
        Run plain = Run.of(sh("kill -SEGV $$; echo survived", false));
        assertEquals("survived", plain.stdout().strip(), "as pid 1 without the init, the shell ignores it");
    }

    @Test
    void theExitCodeIsTheCommands() throws Exception {
        assertEquals(42, Run.of(sh("exit 42", true)).status().code());
        assertEquals(0, Run.of(sh("true", true)).status().code());
    }

    @Test
    void aSoftCpuLimitSendsSigxcpuOnTime() throws Exception {
        Run run = Run.of(sh("while :; do :; done", true).rlimit(Rlimit.CPU, 1, 10));
        assertEquals(24, run.status().signal(), "SIGXCPU after one second of CPU: " + run);
    }

    @Test
    void orphanedGrandchildrenAreReaped() throws Exception {
        // the grandchild's parent exits at once, so it becomes a child of pid 1; the command then execs a
        // program that never waits: only an init reaps the orphan when it ends
        String script = "sh -c 'sleep 0.2 &'; exec sleep 3";
        try (Container c = Launcher.launch(sh(script, true).build())) {
            Thread.sleep(1000);
            assertEquals(List.of(), zombiesOf(c.pid()), "the init reaps orphans");
        }
        try (Container c = Launcher.launch(sh(script, false).build())) {
            Thread.sleep(1000);
            assertEquals(1, zombiesOf(c.pid()).size(), "without the init, the orphan stays a zombie of pid 1");
        }
    }

    /** Host pids of the zombie children of {@code parent}. */
    private static List<Long> zombiesOf(long parent) throws java.io.IOException {
        List<Long> zombies = new java.util.ArrayList<>();
        try (var dirs = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc"), "[0-9]*")) {
            for (var dir : dirs) {
                try {
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == parent) {
                        zombies.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (java.io.IOException gone) {
                    // a process that ended meanwhile is no zombie of ours
                }
            }
        }
        return zombies;
    }

    @Test
    void theInitAndTheCommandAreInTheContainerAndTheInitHoldsNoDescriptor() throws Exception {
        Run run = Run.of(sh("echo $$; cat /proc/1/cmdline | tr '\\0' ' '; echo; ls /proc/1/fd | sort -n | tr '\\n' ' '", true));
        List<String> lines = run.stdout().lines().toList();
        assertEquals("2", lines.get(0), "the command is pid 2: " + run);
        assertEquals("panamax-setup", lines.get(1).strip(), run.toString());
        assertTrue(lines.get(2).strip().matches("0 1 2 \\d+"), "stdio and the status pipe only: " + run);
    }

    @Test
    void anInitWorksInAUserNamespaceWithACgroup() throws Exception {
        // the setup executable's other path: the child waits for its maps and becomes root before that exec
        Run run = Run.of(sh("id -u; echo $$; exit 3", true).namespaces(dev.panamax.sys.Namespace.USER,
                dev.panamax.sys.Namespace.MOUNT, dev.panamax.sys.Namespace.PID).mapCurrentUserToRoot()
                .resources(dev.panamax.cgroup.Resources.builder().pidsMax(20).build()));
        assertEquals(List.of("0", "2"), run.stdout().lines().toList(), run.toString());
        assertEquals(3, run.status().code());
    }

    @Test
    void anInitNeedsAPidNamespace() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> ContainerSpec.builder()
                .rootfs(root.path()).command("true").namespaces(dev.panamax.sys.Namespace.MOUNT).init(true).build());
        assertTrue(e.getMessage().startsWith("init: "), e.getMessage());
    }
}
