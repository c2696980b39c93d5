package dev.panamax;

import dev.panamax.sys.UnixSockets;
import dev.panamax.sys.internal.Libc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container created by a JVM that exited is exec'd into from another JVM ({@link ContainerControl#exec}): the
 * exec joins its namespaces and cgroup, reports its status to this JVM, and can have a terminal whose master
 * goes to a console socket.
 */
@Tag("kernel")
public class ContainerExecTest extends BusyboxTest {

    /** A cgroup path of this test run, below the runtime's parent. */
    static String uniquePath() {
        return "pmxexec" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "/c";
    }

    /** Creates {@link ExecProbe#spec} in a child JVM that exits; returns the record it printed. */
    static StartRecord createdByAJvmThatExits(String command, boolean hostPts) throws Exception {
        Process jvm = ChildJvm.start(ExecProbe.class, root.path().toString(), uniquePath(), command,
                hostPts ? "pts" : "-");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("panamax-created "), "the probe prints the record, got: "
                    + line + "\n" + new String(jvm.getInputStream().readAllBytes()));
            assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the creating JVM exits");
            return StartRecord.parse(line);
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor();
        }
    }

    private static ProcessSpec process(String script, boolean terminal) {
        ContainerSpec.Builder b = ContainerSpec.builder().command("sh", "-c", script);
        return (terminal ? b.terminal(true) : b.stdout(Stdio.pipe())).build().process();
    }

    @Test
    void anExecFromAnotherJvmJoinsTheContainersNamespacesAndCgroupAndReportsItsStatus() throws Exception {
        StartRecord record = createdByAJvmThatExits("exec sleep 1000", false);
        ContainerControl control = Launcher.control(record);
        try {
            Launcher.start(record);
            ContainerSpec spec = ExecProbe.spec(root.path(), "exec sleep 1000", false);
            try (Container exec = control.exec(spec, process(
                    "for n in pid mnt uts; do readlink /proc/self/ns/$n; done; exit 3", false),
                    ExecOptions.defaults())) {
                String out = new String(exec.stdout().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(3, exec.waitFor(Duration.ofSeconds(10)).orElseThrow().code(), "the command's status");
                List<String> expected = List.of("pid", "mnt", "uts").stream().map(ns -> link(record.pid(), ns)).toList();
                assertEquals(expected, out.lines().toList(), "the container's namespaces (inodes equal)");
            }
            try (Container exec = control.exec(spec, process("exec sleep 100", false), ExecOptions.defaults())) {
                long relay = exec.pid();
                await(() -> control.pids().contains(relay) && control.pids().size() == 3,
                        "the exec's relay and command are in the container's cgroup: " + control.pids());
                exec.close();
                await(() -> control.pids().equals(List.of(record.pid())), "closing the exec ends it, not the container");
            }
            assertEquals(ContainerControl.State.RUNNING, control.state());
        } finally {
            control.destroy();
        }
    }

    @Test
    void aTerminalExecSendsItsMasterToTheConsoleSocket(@TempDir Path dir) throws Exception {
        StartRecord record = createdByAJvmThatExits("exec sleep 1000", true);
        ContainerControl control = Launcher.control(record);
        int master = -1;
        try (UnixSockets.Listener listener = UnixSockets.listen(dir.resolve("console.sock"))) {
            Launcher.start(record);
            ContainerSpec spec = ExecProbe.spec(root.path(), "exec sleep 1000", true);
            CompletableFuture<UnixSockets.Received> arrival = CompletableFuture.supplyAsync(listener::receiveFd);
            try (Container exec = control.exec(spec, process("read go; tty; stty size; echo END", true),
                    ExecOptions.defaults())) {
                Terminal t = exec.terminal();
                t.resize(30, 100);
                t.sendTo(listener.path());
                UnixSockets.Received r = arrival.get(10, TimeUnit.SECONDS);
                master = r.fd();
                assertTrue(r.name().matches("/dev/pts/[0-9]+"), r.name());
                assertThrows(IOException.class, () -> t.input().write('x'), "the JVM's copy is closed");
                try (Arena arena = Arena.ofConfined()) {
                    Libc.write(master, arena.allocateFrom("go\n", StandardCharsets.US_ASCII), 3);
                }
                String screen = screen(master).await("END");
                assertTrue(screen.contains(r.name() + "\r\n"), "tty answers the terminal's name: " + screen);
                assertTrue(screen.contains("30 100\r\n"), "the size set before (TIOCGWINSZ): " + screen);
                assertEquals(0, exec.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
            }
        } finally {
            if (master >= 0) {
                Libc.close(master);
            }
            control.destroy();
        }
    }

    @Test
    void aCreatedContainersTerminalGoesToTheConsoleSocketBeforeItStarts(@TempDir Path dir) throws Exception {
        ContainerSpec spec = ExecProbe.spec(root.path(), "tty; stty size; echo END", true).toBuilder()
                .terminal(true).build();
        int master = -1;
        try (UnixSockets.Listener listener = UnixSockets.listen(dir.resolve("console.sock"));
             CreatedContainer c = Launcher.create(spec)) {
            CompletableFuture<UnixSockets.Received> arrival = CompletableFuture.supplyAsync(listener::receiveFd);
            c.terminal().resize(24, 81);
            c.terminal().sendTo(listener.path());
            UnixSockets.Received r = arrival.get(10, TimeUnit.SECONDS);
            master = r.fd();
            TerminalTest.Screen screen = screen(master);
            Launcher.start(c.startRecord());
            String text = screen.await("END");
            assertTrue(text.contains(r.name() + "\r\n") && text.contains("24 81\r\n"), text);
            assertEquals(0, c.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
        } finally {
            if (master >= 0) {
                Libc.close(master);
            }
        }
    }

    @Test
    void execIsRefusedForACreatedAndAStoppedContainer() throws Exception {
        StartRecord record = createdByAJvmThatExits("exit 0", false);
        ContainerControl control = Launcher.control(record);
        try {
            ContainerSpec spec = ExecProbe.spec(root.path(), "exit 0", false);
            IllegalStateException created = assertThrows(IllegalStateException.class,
                    () -> control.exec(spec, process("true", false), ExecOptions.defaults()));
            assertTrue(created.getMessage().startsWith("cannot exec in a created container"), created.getMessage());
            Launcher.start(record);
            await(() -> control.state() == ContainerControl.State.STOPPED, "the container ends");
            IllegalStateException stopped = assertThrows(IllegalStateException.class,
                    () -> control.exec(spec, process("true", false), ExecOptions.defaults()));
            assertEquals("cannot exec in a stopped container", stopped.getMessage());
        } finally {
            control.destroy();
        }
    }

    private static String link(long pid, String ns) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + ns)).toString();
        } catch (IOException e) {
            throw new AssertionError("readlink /proc/" + pid + "/ns/" + ns, e);
        }
    }

    static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** A terminal master received over a socket, as a stream (EIO: no process holds the slave: the end). */
    static TerminalTest.Screen screen(int fd) {
        return new TerminalTest.Screen(new InputStream() {
            private final MemorySegment buffer = Arena.ofAuto().allocate(4096);

            @Override
            public int read() {
                throw new UnsupportedOperationException("read(byte[], int, int) only");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long n;
                try {
                    n = Libc.read(fd, buffer, Math.min(len, buffer.byteSize()));
                } catch (RuntimeException ended) {
                    return -1;
                }
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, b, off, (int) n);
                return n == 0 ? -1 : (int) n;
            }
        });
    }
}
