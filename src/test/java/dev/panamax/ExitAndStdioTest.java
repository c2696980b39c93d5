package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exit codes, signals, standard streams and the handle's waiting and signalling. */
@Tag("kernel")
class ExitAndStdioTest extends BusyboxTest {

    private static ContainerSpec.Builder container(String script) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script);
    }

    @Test
    void exitCodesPropagateExactly() {
        for (int code : new int[] {0, 1, 42, 255}) {
            ExitStatus s = Run.of(container("exit " + code)).status();
            assertEquals(ExitStatus.exited(code), s);
        }
    }

    @Test
    void deathBySignalPropagates() {
        ExitStatus s = Run.of(container("kill -SEGV $$; sleep 5")).status();
        // pid 1 ignores signals it has no handler for, unless they come from outside its namespace
        assertTrue(s.exited(), "pid 1 of a pid namespace cannot be killed from inside: " + s);
        ExitStatus outside = runKilledFromOutside(9);
        assertEquals(9, outside.signal());
        assertEquals("killed by signal 9 (SIGKILL)", outside.toString());
        // without a pid namespace, SIGTERM (destroy) works on a process without a handler
        assertEquals(15, runKilledFromOutside(15, dev.panamax.sys.Namespace.MOUNT).signal());
    }

    private ExitStatus runKilledFromOutside(int signal, dev.panamax.sys.Namespace... namespaces) {
        ContainerSpec.Builder spec = container("sleep 30");
        if (namespaces.length > 0) {
            spec.namespaces(namespaces);
        }
        try (Container c = Launcher.launch(spec.build())) {
            c.kill(signal);
            return c.waitFor(Duration.ofSeconds(10)).orElseThrow();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSignalEndsAProcessThatIsNotPid1() {
        ExitStatus s = Run.of(container("kill -TERM $$").namespaces(dev.panamax.sys.Namespace.MOUNT)).status();
        assertEquals(15, s.signal());
    }

    @Test
    void pipedStdoutAndStderrAreCapturedWhole() {
        // 2 MB on each stream, written at once: both must be drained concurrently, nothing lost
        Run r = Run.of(container("yes aaaaaaa | head -c 2000000; yes bbbbbbb | head -c 2000000 >&2")).ok();
        assertEquals(2_000_000, r.stdout().length());
        assertEquals(2_000_000, r.stderr().length());
        assertTrue(r.stdout().chars().allMatch(c -> c == 'a' || c == '\n'));
        assertTrue(r.stderr().chars().allMatch(c -> c == 'b' || c == '\n'));
    }

    @Test
    void stdinPipeFeedsTheContainer() throws Exception {
        try (Container c = Launcher.launch(container("tr a-z A-Z").stdin(Stdio.pipe()).stdout(Stdio.pipe()).build())) {
            try (OutputStream in = c.stdin()) {
                in.write("hello container\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("HELLO CONTAINER\n", new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, c.waitFor().code());
        }
    }

    @Test
    void fileAndDiscardRedirects() throws Exception {
        Path dir = Files.createTempDirectory("panamax-stdio-");
        try {
            Path in = Files.writeString(dir.resolve("in"), "from a file\n");
            Path out = dir.resolve("out");
            Run.of(container("cat; echo more").stdin(Stdio.file(in)).stdout(Stdio.file(out)).stderr(Stdio.discard())
                    .build()).ok();
            assertEquals("from a file\nmore\n", Files.readString(out));
            Run.of(container("echo appended").stdout(Stdio.append(out)).build()).ok();
            assertEquals("from a file\nmore\nappended\n", Files.readString(out));
        } finally {
            BusyboxRootfs.deleteTree(dir);
        }
    }

    @Test
    void waitForWithTimeoutAndOnExit() throws Exception {
        try (Container c = Launcher.launch(container("sleep 0.3; exit 7").build())) {
            assertTrue(c.waitFor(Duration.ofMillis(10)).isEmpty());
            assertTrue(c.isAlive());
            assertEquals(7, c.onExit().get(10, TimeUnit.SECONDS).code());
            assertFalse(c.isAlive());
            c.kill(9); // a no-op once ended
        }
    }

    @Test
    void closeKillsAndReapsARunningContainer() throws Exception {
        Leaks before = Leaks.snapshot();
        long pid;
        try (Container c = Launcher.launch(container("sleep 1000").build())) {
            pid = c.pid();
            assertTrue(Files.exists(Path.of("/proc/" + pid)));
        }
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "killed and reaped, not a zombie");
        before.assertNothingNewIn(Leaks.snapshot());
    }
}
