package dev.panamax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.BusyboxRootfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle commands as an engine runs them: each {@code panamax} call a separate JVM (this build's classes
 * and the command's jars), so a created container outlives the call that made it. This JVM is a child
 * subreaper (prctl PR_SET_CHILD_SUBREAPER), as conmon and containerd-shim are: containers whose CLI exited
 * become its children, and a reaper thread reaps those (never the CLI JVMs, which {@link Process} reaps).
 * Bundles come from {@code panamax spec}, on a busybox root filesystem, edited per test.
 */
@Tag("kernel")
class LifecycleCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "pmx" + ProcessHandle.current().pid() + "-";
    private static BusyboxRootfs rootfs;
    private static Thread reaper;
    /** prctl, to stop being the subreaper when this class is done. */
    private static MethodHandle subreaper;
    private static final Set<Long> CLI_PIDS = ConcurrentHashMap.newKeySet();

    private Path root;
    private Path bundle;
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void becomeASubreaper() throws Throwable {
        rootfs = BusyboxRootfs.create();
        Linker linker = Linker.nativeLinker();
        MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        assertEquals(0, (int) prctl.invokeExact(36 /* PR_SET_CHILD_SUBREAPER */, 1L, 0L, 0L, 0L), "prctl");
        subreaper = prctl;
        MethodHandle waitpid = linker.downcallHandle(linker.defaultLookup().find("waitpid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        long self = ProcessHandle.current().pid();
        reaper = Thread.ofPlatform().daemon().name("pmx-reaper").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (long pid : zombieChildren(self)) {
                    if (!CLI_PIDS.contains(pid)) {
                        try {
                            int ignored = (int) waitpid.invokeExact((int) pid, MemorySegment.NULL, 1 /* WNOHANG */);
                        } catch (Throwable e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stopReaping() throws Throwable {
        if (subreaper != null) { // later test classes in this JVM must see orphans go to init, not to a JVM
            assertEquals(0, (int) subreaper.invokeExact(36 /* PR_SET_CHILD_SUBREAPER */, 0L, 0L, 0L, 0L), "prctl");
        }
        if (reaper != null) {
            Thread.sleep(100); // a last pass of the reaper over what was reparented here before
            reaper.interrupt();
        }
        if (rootfs != null) {
            rootfs.close();
        }
    }

    /** Children of this JVM that are zombies, from /proc. */
    private static List<Long> zombieChildren(long self) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == self) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    @BeforeEach
    void bundle() throws Exception {
        root = Files.createTempDirectory("pmx-root-");
        bundle = Files.createTempDirectory("pmx-bundle-");
        Run spec = cli("spec", "--bundle", bundle.toString());
        assertEquals(0, spec.status, spec::toString);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String id : ids) {
            cli("delete", "--force", id);
            assertFalse(Files.exists(root.resolve(id)), id + ": state directory left");
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids/panamax", id)), id + ": cgroup left");
        }
        BusyboxRootfs.deleteTree(root);
        BusyboxRootfs.deleteTree(bundle);
    }

    // ---- helpers

    private record Run(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private String id(String name) {
        String id = PREFIX + name;
        ids.add(id);
        return id;
    }

    /** Edits the bundle's config.json: the process's args, no terminal, the busybox root, and more. */
    private ObjectNode config(String... args) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) c.get("process");
        process.put("terminal", false);
        ArrayNode a = process.putArray("args");
        Arrays.stream(args).forEach(a::add);
        ((ObjectNode) c.get("root")).put("path", rootfs.path().toString());
        return c;
    }

    private void save(ObjectNode c) throws IOException {
        JSON.writeValue(bundle.resolve("config.json").toFile(), c);
    }

    private static List<String> command(Path root, String... args) {
        Path target = Path.of(System.getProperty("panamax.build.dir", "target"));
        String paths = System.getProperty("jdk.module.path", "") + File.pathSeparator
                + System.getProperty("java.class.path", "");
        List<String> cp = new ArrayList<>(List.of(target.resolve("classes").toString()));
        for (String p : paths.split(File.pathSeparator)) {
            String name = Path.of(p).getFileName() == null ? "" : Path.of(p).getFileName().toString();
            if (name.startsWith("commons-cli-") || name.startsWith("jackson-")) {
                cp.add(p);
            }
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", String.join(File.pathSeparator, cp), Main.class.getName(), "--root", root.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private ProcessBuilder builder(String... args) {
        return new ProcessBuilder(command(root, args)).directory(bundle.toFile());
    }

    private Process startCli(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        CLI_PIDS.add(p.pid());
        return p;
    }

    private Run cli(String... args) throws Exception {
        Path out = Files.createTempFile("pmx-out-", ".txt");
        Path err = Files.createTempFile("pmx-err-", ".txt");
        try {
            Process p = startCli(builder(args).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
            try {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), () -> "panamax " + List.of(args) + " did not end");
            } finally {
                p.destroyForcibly().waitFor();
                CLI_PIDS.remove(p.pid());
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private JsonNode state(String id) throws Exception {
        Run r = cli("state", id);
        assertEquals(0, r.status, r::toString);
        return JSON.readTree(r.out);
    }

    private void awaitStatus(String id, String status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String now;
        do {
            now = state(id).get("status").asText();
            if (now.equals(status)) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertEquals(status, now, id + " never reached " + status);
    }

    private void assertGone(String id) {
        assertFalse(Files.exists(root.resolve(id)), id + ": state directory left");
        for (String controller : List.of("pids", "memory", "freezer")) {
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup", controller, "panamax", id)),
                    id + ": " + controller + " cgroup left");
        }
    }

    // ---- tests

    @Test
    void createThenStartRunsTheProcessWithTheCreatorsStdoutAndKillStopsIt() throws Exception {
        String id = id("life");
        save(config("sh", "-c", "echo hello-from-" + id + "; exec sleep 600"));
        Path pidFile = root.resolveSibling(root.getFileName() + ".pid");
        // a pipe of this test's own (a FIFO): Process drains and closes its pipes once the child exits, and the
        // container, not the create CLI, writes into this one
        Path fifo = root.resolveSibling(root.getFileName() + ".fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        java.util.concurrent.CompletableFuture<java.io.InputStream> reading =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return Files.newInputStream(fifo);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        Process create = startCli(builder("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id)
                .redirectOutput(fifo.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(reading.get(60, TimeUnit.SECONDS),
                StandardCharsets.UTF_8))) {
            assertTrue(create.waitFor(120, TimeUnit.SECONDS), "create did not end");
            assertEquals(0, create.exitValue(), "create failed");
            JsonNode created = state(id);
            assertEquals("created", created.get("status").asText());
            assertEquals(id, created.get("id").asText());
            assertEquals(bundle.toString(), created.get("bundle").asText());
            assertEquals(Files.readString(pidFile).strip(), created.get("pid").asText(), "pid file vs state");
            assertTrue(ProcessHandle.of(created.get("pid").asLong()).isPresent(), "the container did not outlive create");

            Run start = cli("start", id);
            assertEquals(0, start.status, start::toString);
            assertEquals("hello-from-" + id, out.readLine(), "the container's output on create's stdout");
            assertEquals("running", state(id).get("status").asText());
            Run again = cli("start", id);
            assertEquals(1, again.status, again::toString);
            assertTrue(again.err.contains("cannot start an already running container"), again::toString);

            Run kill = cli("kill", id, "KILL");
            assertEquals(0, kill.status, kill::toString);
            awaitStatus(id, "stopped");
            assertEquals(0, state(id).get("pid").asLong(), "a stopped container's pid");
            Run killStopped = cli("kill", id);
            assertEquals(1, killStopped.status, killStopped::toString);
            assertTrue(killStopped.err.contains("is not running"), killStopped::toString);
            Run delete = cli("delete", id);
            assertEquals(0, delete.status, delete::toString);
            assertGone(id);
        } finally {
            create.destroyForcibly().waitFor();
            CLI_PIDS.remove(create.pid());
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(fifo);
        }
    }

    @Test
    void runWaitsForTheContainerExitsWithItsStatusAndDeletesIt() throws Exception {
        String id = id("run");
        save(config("sh", "-c", "echo ran-$0; exit 7"));
        Run run = cli("run", id);
        assertEquals(7, run.status, run::toString);
        assertEquals("ran-sh\n", run.out, run::toString);
        assertGone(id);
    }

    @Test
    void runKeepLeavesTheStoppedContainerForDelete() throws Exception {
        String id = id("keep");
        save(config("true"));
        Run run = cli("run", "--keep", id);
        assertEquals(0, run.status, run::toString);
        assertEquals("stopped", state(id).get("status").asText());
        assertEquals(0, cli("delete", id).status);
        assertGone(id);
    }

    @Test
    void execRunsACommandInTheRunningContainerWithItsOverridesAndExitsWithItsStatus() throws Exception {
        String id = id("exec");
        save(config("sleep", "600"));
        assertEquals(0, cli("run", "-d", id).status);
        Run exec = cli("exec", "--env", "PMX=yes", "--cwd", "/tmp", id, "/bin/sh", "-c",
                "echo $PMX $(pwd) $(hostname); exit 3");
        assertEquals(3, exec.status, exec::toString);
        assertEquals("yes /tmp panamax\n", exec.out, exec::toString);   // the hostname of `panamax spec`
        Run none = cli("exec", id);
        assertEquals(1, none.status, none::toString);
        assertTrue(none.err.contains("exec failed: "), none::toString);
        assertEquals(0, cli("delete", "--force", id).status);
        Run gone = cli("exec", id, "/bin/true");
        assertEquals(1, gone.status, gone::toString);
        assertGone(id);
    }

    @Test
    void runWithATerminalAndNoConsoleSocketRelaysTheTerminalToItsOwnStreams() throws Exception {
        String id = id("runtty");
        ObjectNode c = config("/bin/sh", "-c", "[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo on-a-tty; exit 5");
        ((ObjectNode) c.get("process")).put("terminal", true);
        save(c);
        Run detached = cli("run", "-d", id);
        assertEquals(1, detached.status, detached::toString);
        assertTrue(detached.err.contains("cannot allocate tty if runc will detach without setting console socket"),
                detached::toString);
        assertGone(id);
        Run run = cli("run", id);
        assertEquals(5, run.status, run::toString);
        assertEquals("on-a-tty\r\n", run.out, "the terminal's output, with its newline translation: " + run);
        assertGone(id);
    }

    @Test
    void createWithATerminalSendsThePtyMasterToTheConsoleSocketAndTheProcessHasItsSlave() throws Exception {
        String id = id("tty");
        ObjectNode c = config("/bin/sh", "-c", "[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && exec sleep 600");
        ((ObjectNode) c.get("process")).put("terminal", true);
        save(c);
        Run refused = cli("create", id);
        assertEquals(1, refused.status, refused::toString);
        assertTrue(refused.err.contains("cannot allocate tty if runc will detach without setting console socket"),
                refused::toString);
        Path socket = Files.createTempDirectory("pmx-console-").resolve("console.sock");
        try (dev.panamax.sys.UnixSockets.Listener listener = dev.panamax.sys.UnixSockets.listen(socket)) {
            java.util.concurrent.CompletableFuture<dev.panamax.sys.UnixSockets.Received> arrival =
                    java.util.concurrent.CompletableFuture.supplyAsync(listener::receiveFd, Executors.newSingleThreadExecutor());
            Run create = cli("create", "--console-socket", socket.toString(), id);
            assertEquals(0, create.status, create::toString);
            dev.panamax.sys.UnixSockets.Received master = arrival.get(10, TimeUnit.SECONDS);
            try {
                assertTrue(master.name().matches("/dev/pts/[0-9]+"), master.name());
                assertEquals(0, cli("start", id).status);
                Thread.sleep(1000); // not a terminal: the shell's test fails and it ends at once
                JsonNode running = state(id);
                assertEquals("running", running.get("status").asText(), "stdio is the terminal");
                long pid = running.get("pid").asLong();
                assertEquals(master.name(), Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0")).toString());
            } finally {
                dev.panamax.sys.internal.Libc.close(master.fd());
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
        assertEquals(0, cli("delete", "--force", id).status);
        assertGone(id);
    }

    @Test
    void runDetachedLeavesItRunningAndOnlyDeleteForceRemovesIt() throws Exception {
        String id = id("detach");
        save(config("sleep", "600"));
        Run run = cli("run", "-d", id);
        assertEquals(0, run.status, run::toString);
        assertEquals("running", state(id).get("status").asText());
        Run list = cli("list", "--format", "json");
        assertTrue(list.out.contains("\"id\":\"" + id + "\""), list::toString);
        Run quiet = cli("list", "-q");
        assertTrue(quiet.out.lines().anyMatch(id::equals), quiet::toString);
        Run delete = cli("delete", id);
        assertEquals(1, delete.status, delete::toString);
        assertTrue(delete.err.contains("cannot delete container " + id + " that is not stopped: running"),
                delete::toString);
        Run force = cli("delete", "--force", id);
        assertEquals(0, force.status, force::toString);
        assertGone(id);
    }

    @Test
    void pauseResumePsAndUpdateActOnTheContainersCgroup() throws Exception {
        String id = id("pause");
        save(config("sh", "-c", "sleep 600 & exec sleep 600"));
        assertEquals(0, cli("run", "-d", id).status);
        long pid = state(id).get("pid").asLong();
        Run pause = cli("pause", id);
        assertEquals(0, pause.status, pause::toString);
        assertEquals("paused", state(id).get("status").asText());
        Run pauseAgain = cli("resume", id);
        assertEquals(0, pauseAgain.status, pauseAgain::toString);
        assertEquals("running", state(id).get("status").asText());
        Run resumeRunning = cli("resume", id);
        assertEquals(1, resumeRunning.status, resumeRunning::toString);
        assertTrue(resumeRunning.err.contains("not paused"), resumeRunning::toString);

        Run ps = cli("ps", "--format", "json", id);
        assertEquals(0, ps.status, ps::toString);
        JsonNode pids = JSON.readTree(ps.out);
        assertEquals(2, pids.size(), ps::toString);
        assertTrue(ps.out.contains(Long.toString(pid)), ps::toString);

        Run update = cli("update", "--memory", "64m", "--pids-limit", "50", id);
        assertEquals(0, update.status, update::toString);
        assertEquals("67108864", Files.readString(Path.of("/sys/fs/cgroup/memory/panamax", id,
                "memory.limit_in_bytes")).strip());
        assertEquals("50", Files.readString(Path.of("/sys/fs/cgroup/pids/panamax", id, "pids.max")).strip());
        Run unsupported = cli("update", "--bogus", "1", id);
        assertEquals(1, unsupported.status, unsupported::toString);

        Run killAll = cli("kill", "--all", id, "SIGKILL");
        assertEquals(0, killAll.status, killAll::toString);
        awaitStatus(id, "stopped");
        assertEquals("[]\n", cli("ps", "-f", "json", id).out);
        assertEquals(0, cli("delete", id).status);
        assertGone(id);
    }

    @Test
    void hooksGetTheStateOnStdinAtTheirPoints() throws Exception {
        String id = id("hooks");
        Path dir = Files.createTempDirectory("pmx-hooks-");
        try {
            ObjectNode c = config("true");
            ObjectNode hooks = c.putObject("hooks");
            for (String point : List.of("createRuntime", "poststart", "poststop")) {
                ObjectNode h = hooks.putArray(point).addObject();
                h.put("path", "/bin/sh");
                h.putArray("args").add("sh").add("-c").add("cat > " + dir.resolve(point + ".json"));
                h.put("timeout", 10);
            }
            save(c);
            Run run = cli("run", id);
            assertEquals(0, run.status, run::toString);
            JsonNode createRuntime = JSON.readTree(dir.resolve("createRuntime.json").toFile());
            assertEquals(id, createRuntime.get("id").asText());
            assertEquals("creating", createRuntime.get("status").asText());
            assertTrue(createRuntime.get("pid").asLong() > 0);
            assertEquals(bundle.toString(), createRuntime.get("bundle").asText());
            assertEquals("running", JSON.readTree(dir.resolve("poststart.json").toFile()).get("status").asText());
            assertEquals("stopped", JSON.readTree(dir.resolve("poststop.json").toFile()).get("status").asText());
            assertGone(id);
        } finally {
            BusyboxRootfs.deleteTree(dir);
        }
    }

    @Test
    void aFailingCreateRuntimeHookFailsTheCreateAndLeavesNothing() throws Exception {
        String id = id("badhook");
        ObjectNode c = config("sleep", "600");
        ObjectNode h = c.putObject("hooks").putArray("createRuntime").addObject();
        h.put("path", "/bin/sh");
        h.putArray("args").add("sh").add("-c").add("echo hook-says-no; exit 3");
        save(c);
        Run create = cli("create", id);
        assertEquals(1, create.status, create::toString);
        assertTrue(create.err.contains("createRuntime hook #0 (/bin/sh): exit status 3, output: hook-says-no"),
                create::toString);
        assertGone(id);
    }

    @Test
    void aCreateContainerHookIsRefusedBeforeAnythingIsMade() throws Exception {
        String id = id("cchook");
        ObjectNode c = config("true");
        c.putObject("hooks").putArray("createContainer").addObject().put("path", "/bin/true");
        save(c);
        Run create = cli("create", id);
        assertEquals(1, create.status, create::toString);
        assertTrue(create.err.contains("hooks.createContainer: not supported"), create::toString);
        assertGone(id);
    }

    @Test
    void aDuplicateIdIsRefusedAndLeavesTheFirstContainerAlone() throws Exception {
        String id = id("dup");
        save(config("sleep", "600"));
        assertEquals(0, cli("create", id).status);
        Run second = cli("create", id);
        assertEquals(1, second.status, second::toString);
        assertTrue(second.err.contains("container with id exists: " + id), second::toString);
        assertEquals("created", state(id).get("status").asText());
        Run delete = cli("delete", id);
        assertEquals(1, delete.status, delete::toString);
        assertTrue(delete.err.contains("that is not stopped: created"), delete::toString);
    }

    @Test
    void concurrentStateAndKillCallsAllSucceedOrReportTheStoppedContainer() throws Exception {
        String id = id("conc");
        save(config("sleep", "600"));
        assertEquals(0, cli("run", "-d", id).status);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Run>> states = new ArrayList<>();
            List<Future<Run>> kills = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                states.add(pool.submit(() -> cli("state", id)));
                kills.add(pool.submit(() -> cli("kill", id, "9")));
            }
            for (Future<Run> f : states) {
                Run r = f.get(180, TimeUnit.SECONDS);
                assertEquals(0, r.status, r::toString);
                assertTrue(Set.of("running", "stopped").contains(JSON.readTree(r.out).get("status").asText()),
                        r::toString);
            }
            for (Future<Run> f : kills) {
                Run r = f.get(180, TimeUnit.SECONDS);
                assertTrue(r.status == 0 || r.err.contains("is not running"), r::toString);
            }
        } finally {
            pool.shutdownNow();
        }
        awaitStatus(id, "stopped");
        assertEquals(0, cli("delete", id).status);
        assertGone(id);
    }

    @Test
    void deleteForceCleansUpAContainerKilledFromOutside() throws Exception {
        String id = id("outside");
        save(config("sleep", "600"));
        assertEquals(0, cli("run", "-d", id).status);
        long pid = state(id).get("pid").asLong();
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
        awaitStatus(id, "stopped");
        Run force = cli("delete", "--force", id);
        assertEquals(0, force.status, force::toString);
        assertGone(id);
    }

    @Test
    void deleteForceCleansUpAfterTheCreatingCliWasKilled() throws Exception {
        String id = id("crash");
        save(config("sleep", "600"));
        Process create = startCli(builder("create", id).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(root.resolve(id).resolve(ContainerDirectory.STATE)) && create.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(create.isAlive(), "create ended before it could be killed: the test proves nothing");
        } finally {
            create.destroyForcibly().waitFor();
            CLI_PIDS.remove(create.pid());
        }
        assertTrue(Files.exists(root.resolve(id)), "the killed create left no state directory to clean up");
        Run force = cli("delete", "--force", id);
        assertEquals(0, force.status, force::toString);
        assertGone(id);
    }
}
