package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Containers with a pseudo-terminal: isatty, a controlling terminal with job control, Ctrl-C to the foreground. */
@Tag("kernel")
class TerminalTest extends BusyboxTest {

    /** Collects a terminal's output on a daemon thread; {@link #await} waits for a text to appear. */
    static final class Screen {
        private final StringBuilder text = new StringBuilder();

        Screen(InputStream output) {
            Thread.ofPlatform().daemon().name("screen").start(() -> {
                byte[] buf = new byte[4096];
                try {
                    for (int n; (n = output.read(buf)) > 0; ) {
                        synchronized (this) {
                            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                            notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the test fails on a missing text, with the screen in the message
                }
            });
        }

        synchronized String await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (text.indexOf(expected) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no \"" + expected + "\" on the terminal within 10 s:\n" + text);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return text.toString();
        }
    }

    private static Container shell(String... argv) {
        return Launcher.launch(ContainerSpec.builder().rootfs(root.path()).hostname("tty-box").env("PS1", "PROMPT> ")
                .command(argv).terminal(true).build());
    }

    /**
     * At the prompt of {@code c}'s interactive shell: a background job that {@code jobs} lists, and no
     * complaint about the terminal. Markers the shell computes, so that the echo of the typed line cannot match.
     */
    static void assertJobControl(Container c, Screen screen) throws Exception {
        screen.await("PROMPT> ");
        type(c, "set -m; sleep 30 & jobs; echo JOBS-$((1+1))\n");
        String out = screen.await("JOBS-2\r\n");
        assertFalse(out.contains("job control turned off"), out);
        assertFalse(out.contains("can't access tty"), out);
        assertTrue(out.matches("(?s).*\\[1\\][+ ]*Running +sleep 30.*"), "jobs lists the background job: " + out);
    }

    static void type(Container c, String keys) throws IOException {
        c.terminal().input().write(keys.getBytes(StandardCharsets.UTF_8));
        c.terminal().input().flush();
    }

    @Test
    void theContainerSeesATerminalOnAllThreeStreams() throws Exception {
        try (Container c = shell("sh", "-c", "[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo IS-A-TTY; tty; echo END")) {
            Screen screen = new Screen(c.terminal().output());
            String out = screen.await("END");
            assertTrue(out.contains("IS-A-TTY"), out);
            // the host's /dev/pts is not mounted in the container: tty cannot name it, isatty holds all the same
            assertTrue(out.contains("not a tty"), out);
            assertFalse(out.contains("/dev/pts/"), out);
            assertTrue(out.contains("\r\n"), "the line discipline translates newlines: " + out);
            assertEquals(0, c.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
            assertTrue(c.terminal().name().startsWith("/dev/pts/"), c.terminal().name());
        }
    }

    @Test
    void anInteractiveShellGetsJobControl() throws Exception {
        try (Container c = shell("sh", "-i")) {
            assertJobControl(c, new Screen(c.terminal().output()));
            type(c, "exit 4\n");
            assertEquals(4, c.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
        }
    }

    @Test
    void ctrlCInterruptsTheForegroundJobAndTheShellSurvives() throws Exception {
        try (Container c = shell("sh", "-i")) {
            Screen screen = new Screen(c.terminal().output());
            screen.await("PROMPT> ");
            type(c, "sleep 100\n");
            awaitDescendant(c.pid(), "sleep");
            type(c, "\u0003");
            type(c, "echo AFTER-$?\n");
            screen.await("AFTER-130");
            assertTrue(c.isAlive(), "the shell survives Ctrl-C");
            type(c, "exit\n");
            assertTrue(c.waitFor(Duration.ofSeconds(10)).isPresent());
        }
    }

    @Test
    void resizeSetsTheWindowSizeTheContainerReads() throws Exception {
        try (Container c = shell("sh", "-c", "read line; stty size; echo END")) {
            Screen screen = new Screen(c.terminal().output());
            c.terminal().resize(33, 111);
            type(c, "go\n");
            assertTrue(screen.await("END").contains("33 111"), screen.await("END"));
            assertThrows(IllegalArgumentException.class, () -> c.terminal().resize(0, 80));
        }
    }

    @Test
    void aContainerWithoutTerminalSaysHowToGetOne() throws Exception {
        try (Container c = Launcher.launch(ContainerSpec.builder().rootfs(root.path()).command("true")
                .stdout(Stdio.discard()).build())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, c::terminal);
            assertTrue(e.getMessage().contains("terminal(true)"), e.getMessage());
        }
    }

    @Test
    void closingLeavesNoDescriptorOrProcess() throws Exception {
        Leaks before = Leaks.snapshot();
        try (Container c = shell("sh", "-c", "sleep 100")) {
            assertTrue(c.isAlive());
        }
        before.assertNothingNewIn(Leaks.snapshot());
    }

    /** Waits until a process named {@code comm} runs somewhere below {@code pid}. */
    static void awaitDescendant(long pid, String comm) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<ProcessHandle> all = ProcessHandle.of(pid).orElseThrow().descendants()) {
                if (all.anyMatch(p -> comm(p.pid()).equals(comm))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + comm + " below " + pid + " within 10 s");
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }
}
