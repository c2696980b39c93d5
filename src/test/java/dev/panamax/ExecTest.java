package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.sys.Namespace;
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
            // the container's own network namespace: loopback only (the host has more links), and up
            String links = exec(c, "ip", "link").ok().stdout();
            List<String> names = links.lines().filter(l -> l.matches("\\d+: .*"))
                    .map(l -> l.split(":")[1].strip()).toList();
            assertEquals(List.of("lo"), names, links);
            assertTrue(links.contains("UP"), "the loopback is up: " + links);
            assertTrue(Files.readString(Path.of("/proc/net/dev")).lines().count() > 3, "the host has links besides lo");
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/net")).toString(),
                    exec(c, "readlink", "/proc/self/ns/net").ok().stdout().strip());
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

    @Test
    void execRunsInTheContainersCgroupUnderItsLimits() throws Exception {
        Resources r = Resources.builder().memoryMax(DataSize.ofMegabytes(64)).pidsMax(50).build();
        try (Container c = Launcher.launch(sleeper().resources(r).build())) {
            assertEquals(Files.readString(Path.of("/proc/" + c.pid() + "/cgroup")),
                    exec(c, "cat", "/proc/self/cgroup").ok().stdout());
        }
    }

    @Test
    void execIntoAUserNamespaceIsRootInsideAndTheMappedUidOutside() throws Exception {
        ContainerSpec spec = sleeper().namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC,
                Namespace.NET, Namespace.USER).uidMap(IdMap.of(0, 100000, 65536)).gidMap(IdMap.of(0, 100000, 65536))
                .build();
        try (Container c = Launcher.launch(spec)) {
            String out = exec(c, "sh", "-c", "id -u; id -g; cat /proc/self/uid_map; readlink /proc/self/ns/user")
                    .ok().stdout();
            List<String> lines = out.lines().toList();
            assertEquals("0", lines.get(0), out);
            assertEquals("0", lines.get(1), out);
            assertEquals(List.of("0", "100000", "65536"), List.of(lines.get(2).strip().split("\\s+")), out);
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/user")).toString(), lines.get(3));
            try (Container e = c.exec(command("sleep", "1000"))) {
                long command = ProcessHandle.of(e.pid()).orElseThrow().children().findFirst().orElseThrow().pid();
                String status = Files.readString(Path.of("/proc/" + command + "/status"));
                assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+100000\\s+100000\\s+100000\\s+100000")),
                        status);
            }
        }
    }

    @Test
    void execIntoAContainerWhosePid1IsAShellWithItsInit() throws Exception {
        try (Container c = Launcher.launch(ContainerSpec.builder().rootfs(root.path()).hostname("box").init(true)
                .command("sh", "-c", "sleep 1000; true").build())) {
            String ps = exec(c, "ps", "-o", "pid,args").ok().stdout();
            assertTrue(ps.lines().anyMatch(l -> l.strip().equals("2 sh -c sleep 1000; true")), ps);
            assertEquals("box", exec(c, "hostname").ok().stdout().strip());
        }
    }

    @Test
    void theExecsEnvironmentAndWorkingDirectoryOverrideTheContainers() throws Exception {
        try (Container c = Launcher.launch(sleeper().env("FOO", "container").build())) {
            ProcessSpec p = ContainerSpec.builder().command("sh", "-c", "echo $FOO; pwd").env("FOO", "exec")
                    .workingDirectory("/tmp").stdout(Stdio.pipe()).stderr(Stdio.pipe()).build().process();
            try (Container e = c.exec(p)) {
                assertEquals("exec\n/tmp\n", Run.of(e, p.argv()).ok().stdout());
            }
        }
    }

    @Test
    void execRunsAsTheContainersUser() throws Exception {
        try (Container c = Launcher.launch(sleeper().user(1000, 1001).build())) {
            assertEquals("1000 1001", exec(c, "sh", "-c", "echo $(id -u) $(id -g)").ok().stdout().strip());
        }
    }

    @Test
    void execCannotExceedTheContainersCapabilitiesNoNewPrivsSeccompAndLimits() throws Exception {
        SeccompProfile noMkdir = SeccompProfile.defaultProfile().toBuilder().remove("mkdir").remove("mkdirat")
                .rules(SeccompAction.EPERM, "mkdir", "mkdirat").build();
        ContainerSpec spec = sleeper().dropCapability("CHOWN").seccomp(noMkdir).rlimit(Rlimit.NOFILE, 123, 456).build();
        try (Container c = Launcher.launch(spec)) {
            String container = Files.readString(Path.of("/proc/" + c.pid() + "/status"));
            String exec = exec(c, "cat", "/proc/self/status").ok().stdout();
            for (String field : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp")) {
                assertEquals(line(container, field), line(exec, field), field);
            }
            assertEquals("1", line(exec, "NoNewPrivs").split("\\s+")[1]);
            assertEquals(0, Long.parseLong(line(exec, "CapEff").split("\\s+")[1], 16) & 1, "CAP_CHOWN stays dropped");
            Run mkdir = exec(c, "mkdir", "/tmp/denied");
            assertNotEquals(0, mkdir.status().code());
            assertTrue(mkdir.stderr().contains("Operation not permitted"), mkdir.toString());
            assertEquals("123 456", exec(c, "sh", "-c", "echo $(ulimit -n) $(ulimit -Hn)").ok().stdout().strip());
        }
    }

    private static String line(String status, String field) {
        return status.lines().filter(l -> l.startsWith(field + ":")).findFirst()
                .orElseThrow(() -> new AssertionError(field + " missing in " + status));
    }

    @Test
    void theExecsUserAndDroppedCapabilitiesOverrideTheContainers() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            ProcessSpec p = command("sh", "-c", "echo $(id -u) $(id -g); grep -E '^Cap(Eff|Bnd)' /proc/self/status");
            try (Container e = c.exec(p, java.util.Optional.of(new ProcessIdentity(1000, 1001, List.of())),
                    java.util.Set.of(Capability.parse("CHOWN")))) {
                List<String> out = Run.of(e, p.argv()).ok().stdout().lines().toList();
                assertEquals("1000 1001", out.get(0));
                assertEquals(0, Long.parseLong(out.get(2).split("\\s+")[1], 16) & 1, "CAP_CHOWN left the bounding set");
                String container = Files.readString(Path.of("/proc/" + c.pid() + "/status"));
                assertEquals(1, Long.parseLong(line(container, "CapBnd").split("\\s+")[1], 16) & 1, "the container has it");
            }
        }
    }

    @Test
    void anExecCanHaveATerminal() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            ProcessSpec p = ContainerSpec.builder().command("sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo IS-A-TTY; echo END")
                    .terminal(true).build().process();
            try (Container e = c.exec(p)) {
                String out = new TerminalTest.Screen(e.terminal().output()).await("END");
                assertTrue(out.contains("IS-A-TTY"), out);
                assertEquals(0, e.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
            }
        }
    }

    @Test
    void anInteractiveShellExecGetsJobControlAndCtrlC() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            ProcessSpec p = ContainerSpec.builder().command("sh", "-i").env("PS1", "PROMPT> ").terminal(true).build()
                    .process();
            try (Container e = c.exec(p)) {
                TerminalTest.Screen screen = new TerminalTest.Screen(e.terminal().output());
                TerminalTest.assertJobControl(e, screen);
                type(e, "kill %1; wait; echo KILLED-$((2+1))\n");
                screen.await("KILLED-3\r\n");
                type(e, "sleep 100\n");
                TerminalTest.awaitDescendant(e.pid(), "sleep");
                type(e, "\u0003");
                type(e, "echo AFTER-$?\n");
                screen.await("AFTER-130");
                assertTrue(e.isAlive(), "the shell survives Ctrl-C");
                assertTrue(c.isAlive(), "so does the container");
                type(e, "exit 4\n");
                assertEquals(4, e.waitFor(Duration.ofSeconds(10)).orElseThrow().code());
            }
        }
    }

    private static void type(Container c, String keys) throws java.io.IOException {
        TerminalTest.type(c, keys);
    }

    /** 1,000 execs while three threads allocate hard and call System.gc(), as LaunchStressTest does. */
    @Test
    void manyExecsUnderGcStressNeitherHangNorLeak() throws Exception {
        try (Container c = Launcher.launch(sleeper().build())) {
            exec(c, "true").ok();
            Leaks before = Leaks.snapshot();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> churn = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                churn.add(Thread.ofPlatform().daemon().start(() -> {
                    List<byte[]> keep = new java.util.ArrayList<>();
                    while (!stop.get()) {
                        keep.add(new byte[64 * 1024]);
                        if (keep.size() > 500) {
                            keep.clear();
                            System.gc();
                            // leave the execs some of the two cores: pressure, not starvation
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000);
                        }
                    }
                }));
            }
            var caller = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                for (int i = 0; i < 1000; i++) {
                    int code = i % 7;
                    int status = java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> exec(c, "sh", "-c", "exit " + code).status().code(), caller)
                            .get(20, java.util.concurrent.TimeUnit.SECONDS); // a hang fails here: TimeoutException
                    assertEquals(code, status, "exec " + i);
                }
            } finally {
                stop.set(true);
                for (Thread t : churn) {
                    t.join();
                }
                caller.shutdownNow();
            }
            before.assertNothingNewIn(Leaks.snapshot());
        }
    }
}
