package dev.panamax.cli;

import dev.panamax.BusyboxTest;
import dev.panamax.ChildJvm;
import dev.panamax.ContainerControl;
import dev.panamax.Launcher;
import dev.panamax.StartRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code panamax exec}'s logic: a container created from a bundle by a JVM that exited, exec'd into with a
 * command and overrides, with an OCI process file, and detached with a pid file.
 */
@Tag("kernel")
class ExecOperationTest extends BusyboxTest {
    private StartRecord record;
    private Path output;

    @AfterEach
    void destroy() throws Exception {
        if (record != null) {
            Launcher.control(record).destroy();
        }
        if (output != null) {
            Files.deleteIfExists(output);
        }
    }

    /** A bundle running {@code sleep 1000} in the busybox rootfs, created and started; its output file named. */
    private Path startedBundle(Path bundle) throws Exception {
        Files.writeString(bundle.resolve("config.json"), """
                {
                  "ociVersion": "1.2.0",
                  "process": {
                    "user": {"uid": 0, "gid": 0},
                    "args": ["sleep", "1000"],
                    "env": ["PATH=/bin", "FOO=container"],
                    "cwd": "/"
                  },
                  "root": {"path": "%s"},
                  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
                  "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}
                }
                """.formatted(root.path()));
        String cgroup = "pmxexecop" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "/c";
        List<String> command = new java.util.ArrayList<>(ChildJvm.command(OciCreateProbe.class, bundle.toString(),
                cgroup));
        int cp = command.indexOf("-cp") + 1;
        command.set(cp, command.get(cp) + java.io.File.pathSeparator + jackson()); // the oci package reads JSON
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String line = new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine();
            assertTrue(line != null && line.startsWith("panamax-created "), "the probe prints the record, got: "
                    + line + "\n" + new String(jvm.getInputStream().readAllBytes()));
            assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the creating JVM exits");
            record = StartRecord.parse(line);
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor();
        }
        Launcher.start(record);
        output = root.path().resolve("tmp/pmx-exec-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        return Path.of("/tmp").resolve(output.getFileName());
    }

    /** The Jackson jars of this JVM's module or class path. */
    private static String jackson() {
        String paths = System.getProperty("jdk.module.path", "") + java.io.File.pathSeparator
                + System.getProperty("java.class.path", "");
        return java.util.Arrays.stream(paths.split(java.io.File.pathSeparator)).filter(p -> p.contains("jackson"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private ExecOperation.Request request(Path bundle, Optional<Path> processFile, List<String> args,
                                          Optional<String> cwd, List<String> env, Optional<String> user,
                                          boolean detach, Optional<Path> pidFile) {
        return new ExecOperation.Request(record, bundle, processFile, args, cwd, env, user, List.of(), false,
                Optional.empty(), detach, pidFile);
    }

    private static int run(ExecOperation.Request r) throws Exception {
        return ExecOperation.run(r, new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
    }

    @Test
    void execWithACommandGetsTheOverridesAndItsStatusIsTheCommands(@TempDir Path bundle) throws Exception {
        Path inside = startedBundle(bundle);
        int status = run(request(bundle, Optional.empty(), List.of("sh", "-c",
                "{ echo $FOO-$BAR; pwd; id -u; id -g; } > " + inside + "; exit 5"), Optional.of("/bin"),
                List.of("BAR=cli"), Optional.of("1000:1001"), false, Optional.empty()));
        assertEquals(5, status, "the exec's exit status");
        assertEquals(List.of("container-cli", "/bin", "1000", "1001"), Files.readAllLines(output),
                "the container's environment with --env, --cwd, --user");
    }

    @Test
    void execWithAProcessFileRunsItsProcess(@TempDir Path bundle) throws Exception {
        Path inside = startedBundle(bundle);
        Path file = bundle.resolve("process.json");
        Files.writeString(file, """
                {
                  "user": {"uid": 1002, "gid": 1003, "additionalGids": [1004]},
                  "args": ["sh", "-c", "{ echo $A; pwd; id -u; id -G; grep NoNewPrivs /proc/self/status; } > %s; exit 4"],
                  "env": ["A=b", "PATH=/bin"],
                  "cwd": "/tmp",
                  "noNewPrivileges": true,
                  "capabilities": {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]}
                }
                """.formatted(inside));
        assertEquals(4, run(request(bundle, Optional.of(file), List.of(), Optional.empty(), List.of(),
                Optional.empty(), false, Optional.empty())));
        assertEquals(List.of("b", "/tmp", "1002", "1003 1004", "NoNewPrivs:\t1"), Files.readAllLines(output));
    }

    @Test
    void aDetachedExecWritesItsPidFileAndOutlivesTheCall(@TempDir Path bundle) throws Exception {
        startedBundle(bundle);
        Path pidFile = bundle.resolve("exec.pid");
        assertEquals(0, run(request(bundle, Optional.empty(), List.of("sleep", "100"), Optional.empty(), List.of(),
                Optional.empty(), true, Optional.of(pidFile))));
        long pid = Long.parseLong(Files.readString(pidFile));
        ContainerControl control = Launcher.control(record);
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the exec runs on");
        assertTrue(control.pids().contains(pid), "in the container's cgroup: " + control.pids());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (control.pids().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(3, control.pids().size(), "the container, the relay and its sleep: " + control.pids());
        // this JVM leaves a detached exec unreaped (its status is the subreaper's, as conmon's): reap it here
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment info = arena.allocate(dev.panamax.sys.internal.Abi.SIZEOF_SIGINFO, 8);
            dev.panamax.sys.internal.Libc.syscall("waitid", dev.panamax.sys.internal.Abi.SYS_waitid, 1 /* P_PID */,
                    pid, info.address(), dev.panamax.sys.internal.Abi.WEXITED, 0);
        }
    }

    @Test
    void aTerminalThatWouldDetachWithoutAConsoleSocketIsRefusedAsRuncRefusesIt(@TempDir Path bundle) throws Exception {
        startedBundle(bundle);
        var r = new ExecOperation.Request(record, bundle, Optional.empty(), List.of("true"), Optional.empty(),
                List.of(), Optional.empty(), List.of(), true, Optional.empty(), true, Optional.empty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(r));
        assertEquals("cannot allocate tty if runc will detach without setting console socket", e.getMessage());
    }
}
