package dev.panamax;

import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users reach for in ProcessBuilder and Process, on real containers. */
@Tag("kernel")
class ProcessBuilderParityTest extends BusyboxTest {

    private static ContainerSpec.Builder container(String script) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script);
    }

    @Test
    void stderrMergedWithStdoutArrivesInOrderOnStdout() {
        Run r = Run.of(container("echo one; echo two >&2; echo three").stdout(Stdio.pipe())
                .stderr(Stdio.mergeWithStdout()).build()).ok();
        assertEquals("one\ntwo\nthree\n", r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void processBuilderRedirectsWorkAsStdio() throws Exception {
        Path dir = Files.createTempDirectory("panamax-redirect-");
        try {
            File in = Files.writeString(dir.resolve("in"), "input\n").toFile();
            File out = dir.resolve("out").toFile();
            Run.of(container("cat; echo err >&2").stdin(ProcessBuilder.Redirect.from(in))
                    .stdout(ProcessBuilder.Redirect.to(out)).stderr(ProcessBuilder.Redirect.DISCARD).build()).ok();
            assertEquals("input\n", Files.readString(out.toPath()));
            Run.of(container("echo more").stdout(ProcessBuilder.Redirect.appendTo(out)).build()).ok();
            assertEquals("input\nmore\n", Files.readString(out.toPath()));
            ContainerSpec piped = container("echo piped").stdout(ProcessBuilder.Redirect.PIPE).build();
            try (Container c = Launcher.launch(piped)) {
                assertEquals("piped\n", new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8));
                c.waitFor();
            }
        } finally {
            BusyboxRootfs.deleteTree(dir);
        }
    }

    @Test
    void exitValueDoesNotWaitAndThrowsWhileRunning() throws Exception {
        try (Container c = Launcher.launch(container("read x; exit 7").stdin(Stdio.pipe()).build())) {
            assertThrows(IllegalThreadStateException.class, c::exitValue);
            c.stdin().close();
            c.waitFor();
            assertEquals(7, c.exitValue());
        }
        try (Container c = Launcher.launch(container("sleep 100").build())) {
            c.destroyForcibly();
            c.waitFor();
            assertEquals(128 + 9, c.exitValue(), "a signal as Process reports it: 128 + the signal");
        }
    }

    @Test
    void toHandleAndDescendantsShowTheContainersProcesses() throws Exception {
        try (Container c = Launcher.launch(container("sleep 100 & sleep 100 & wait").build())) {
            ProcessHandle h = c.toHandle().orElseThrow();
            assertEquals(c.pid(), h.pid());
            assertTrue(h.isAlive());
            assertEquals(Optional.of(h), c.toHandle(), "one handle, made once");
            List<ProcessHandle> kids = List.of();
            for (int i = 0; i < 200 && kids.size() < 2; i++) {
                Thread.sleep(10);
                kids = c.descendants().toList();
            }
            assertEquals(2, kids.size(), "the two sleeps: " + kids);
            assertTrue(kids.stream().allMatch(k -> k.info().command().orElse("").endsWith("busybox")), kids.toString());
            c.destroyForcibly();
            c.waitFor();
            assertFalse(h.isAlive());
            assertEquals(0, c.descendants().count());
        }
        try (Container ended = Launcher.launch(container("true").build())) {
            ended.waitFor();
            assertEquals(Optional.empty(), ended.toHandle(), "after the reap the pid may be another process's");
        }
    }

    @Test
    void argv0IsWhatTheProgramSeesAsItsName() {
        // busybox runs the applet argv[0] names
        Run r = Run.of(ContainerSpec.builder().rootfs(root.path()).command("/bin/busybox", "hello", "world")
                .argv0("echo")).ok();
        assertEquals("hello world\n", r.stdout());
    }

    @Test
    void unsetEnvRemovesOneInheritedVariable() {
        // a variable of the JVM's that the shell does not set itself
        List<String> shells = List.of("PATH", "PWD", "OLDPWD", "SHLVL", "_", "HOME", "IFS", "PS1", "PPID");
        String name = System.getenv().keySet().stream().filter(k -> k.matches("[A-Za-z_][A-Za-z0-9_]*"))
                .filter(k -> !shells.contains(k)).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(name != null, "the JVM has no variable of its own to unset");
        // the environment execve gave the shell (its own env would show the PATH it makes up without one)
        Run r = Run.of(container("cat /proc/$$/environ; true").inheritEnvironment().unsetEnv(name).unsetEnv("PATH")).ok();
        List<String> env = List.of(r.stdout().split("\0"));
        assertFalse(env.stream().anyMatch(l -> l.startsWith(name + "=")), env.size() + " variables");
        assertFalse(env.stream().anyMatch(l -> l.startsWith("PATH=")));
        assertEquals(System.getenv().size() - (System.getenv().containsKey("PATH") ? 2 : 1), env.size(),
                "the rest is inherited");
    }

    @Test
    void aKeptDescriptorReachesTheContainerAndClosesWithIt() throws Exception {
        for (boolean init : new boolean[] {false, true}) {
            int[] pipe = Libc.pipe2(Abi.O_CLOEXEC);
            try {
                Leaks before = Leaks.snapshot();
                try (Container c = Launcher.launch(container("echo hi >&5; ls /proc/$$/fd; true")
                        .keepFd(pipe[1], 5).init(init).stdout(Stdio.pipe()).build())) {
                    assertEquals("0\n1\n2\n5\n", new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8),
                            "init " + init);
                    assertEquals(0, c.waitFor().code());
                }
                Libc.close(pipe[1]); // the caller's own copy: the launch duplicated it, never took it
                pipe[1] = -1;
                // bubblewrap's --sync-fd: once the container is gone, no copy of the write end is left (EOF)
                assertEquals("hi\n", readToEof(pipe[0]), "init " + init);
                before.assertNothingNewIn(Leaks.snapshot());
            } finally {
                for (int fd : pipe) {
                    if (fd >= 0) {
                        Libc.close(fd);
                    }
                }
            }
        }
    }

    @Test
    void keptDescriptorsOverEveryLowNumberLeaveTheLaunchsOwnPipesIntact() throws Exception {
        int[] pipe = Libc.pipe2(Abi.O_CLOEXEC);
        try {
            ContainerSpec.Builder spec = container("ls /proc/$$/fd; true");
            for (int fd = 3; fd <= 60; fd++) {
                spec.keepFd(pipe[1], fd);
            }
            assertEquals(java.util.stream.IntStream.rangeClosed(0, 60).mapToObj(Integer::toString).sorted().toList(),
                    Run.of(spec).ok().stdout().lines().sorted().toList(), "0..60, and nothing else");
            // the error pipe survives the dups onto its number: a failed exec is still reported
            LaunchException e = assertThrows(LaunchException.class,
                    () -> Launcher.launch(spec.command("/no/such/program").build()).close());
            assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
            Leaks before = Leaks.snapshot();
            LaunchException closed = assertThrows(LaunchException.class, () -> Launcher.launch(
                    container("true").keepFd(1000, 3).build()).close());
            assertTrue(closed.getMessage().contains("fcntl") && closed.getMessage().contains("EBADF"),
                    closed.getMessage());
            before.assertNothingNewIn(Leaks.snapshot());
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    private static String readToEof(int fd) {
        StringBuilder text = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            for (long n; (n = Libc.read(fd, buf, 64)) > 0; ) {
                text.append(new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    @Test
    void waitForZeroIsTheNonBlockingStatus() throws Exception {
        try (Container c = Launcher.launch(container("sleep 100").build())) {
            assertEquals(Optional.empty(), c.waitFor(Duration.ZERO));
        }
    }
}
