package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Create now, start later: a container created by one JVM waits in a few pages of its own, outlives that JVM,
 * and runs when another process starts it; once only.
 */
@Tag("kernel")
class CreatedContainerTest extends BusyboxTest {
    /** The target for a created container's resident memory. */
    private static final long MAX_WAITING_RSS_KB = 1024;

    @Test
    void aContainerCreatedByAJvmThatExitedStartsFromThisJvm() throws Exception {
        createdInAChildJvm("exit");
    }

    @Test
    void aContainerCreatedByAJvmThatWasKilledStartsFromThisJvm() throws Exception {
        createdInAChildJvm("wait");
    }

    private void createdInAChildJvm(String mode) throws Exception {
        Path data = Files.createTempDirectory("panamax-created");
        StartRecord record = null;
        try {
            Process jvm = ChildJvm.start(CreatedProbe.class, root.path().toString(), data.toString(), mode);
            try {
                String line = new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine();
                assertTrue(line != null && line.startsWith("panamax-created "), "the probe prints the record, got: " + line);
                record = StartRecord.parse(line);
                if (mode.equals("exit")) {
                    assertTrue(jvm.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the creating JVM exits");
                    assertEquals(0, jvm.exitValue(), "the creating JVM exits normally");
                }
            } finally {
                jvm.destroyForcibly(); // SIGKILL: no code of the JVM runs; a created container has no PDEATHSIG
                jvm.waitFor();
            }
            Thread.sleep(200); // a parent-death signal would have arrived by now
            long pid = record.pid();
            assertTrue(waiting(pid), "the created container outlives its JVM, waiting");
            assertFalse(status(pid).contains("PPid:\t" + jvm.pid() + "\n"), "reparented");
            assertWaitsInItsOwnFewPages(pid);
            assertFalse(Files.exists(data.resolve("out")), "nothing of the command ran before the start");
            assertTrue(Files.exists(record.fifo()), "the start FIFO exists until the start");

            Launcher.start(record);

            awaitEnd(pid);
            assertEquals("started\n", Files.readString(data.resolve("out")), "the command ran after the start");
            assertFalse(Files.exists(record.fifo().getParent()), "the start removed the FIFO and its directory");
            StartRecord again = record;
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> Launcher.start(again));
            assertTrue(twice.getMessage().contains("has ended"), twice.getMessage());
        } finally {
            if (record != null) {
                killIfStillWaiting(record);
            }
            try (var files = Files.list(data)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(data);
        }
    }

    /** RSS ≤ 1 MiB, and nothing of the JVM mapped: the setup executable's few pages only. */
    private static void assertWaitsInItsOwnFewPages(long pid) throws Exception {
        String rssLine = status(pid).lines().filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow();
        long rssKb = Long.parseLong(rssLine.replaceAll("[^0-9]", ""));
        System.out.println("created container waiting: VmRSS " + rssKb + " kB");
        assertTrue(rssKb <= MAX_WAITING_RSS_KB, "a created container's RSS is at most 1 MiB, got " + rssLine);
        String maps = Files.readString(Path.of("/proc/" + pid + "/maps"));
        assertFalse(maps.contains("libjvm") || maps.contains("java"), "no JVM mapping is kept alive:\n" + maps);
        assertTrue(Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString().startsWith("/memfd:panamax-setup"),
                "it waits in the setup executable");
    }

    @Test
    void aContainerCreatedAndStartedInThisJvmRunsAndReportsItsExit() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", "echo hi; exit 3")
                .stdout(Stdio.pipe()).build();
        try (CreatedContainer c = Launcher.create(spec)) {
            assertTrue(c.isAlive(), "it waits");
            assertTrue(c.waitFor(Duration.ofMillis(200)).isEmpty(), "it does not run before the start");
            c.start();
            assertEquals(3, c.waitFor().code(), "its exit status reaches its parent, this JVM");
            assertEquals("hi\n", new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertFalse(Files.exists(c.startRecord().fifo().getParent()), "no FIFO left after the start");
        }
    }

    @Test
    void startingTwiceFailsSaying() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("sleep", "100").build();
        Launcher.create(spec).close(); // warm: the reaper and launcher threads are made once per JVM
        Leaks before = Leaks.snapshot();
        try (CreatedContainer c = Launcher.create(spec)) {
            c.start();
            IllegalStateException e = assertThrows(IllegalStateException.class, c::start);
            assertTrue(e.getMessage().contains("is not waiting to start: it was started already or has ended"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(c.startRecord().fifo().toString()), "names the FIFO: " + e.getMessage());
            assertTrue(c.isAlive(), "the second start does not touch the running container");
        }
        before.assertNothingNewIn(Leaks.snapshot());
    }

    @Test
    void closingAnUnstartedContainerKillsItAndRemovesItsFifo() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("true").build();
        Launcher.create(spec).close(); // warm: the reaper and launcher threads are made once per JVM
        Leaks before = Leaks.snapshot();
        CreatedContainer c = Launcher.create(spec);
        Path fifo = c.startRecord().fifo();
        assertTrue(Files.exists(fifo));
        c.close();
        assertFalse(c.isAlive(), "killed");
        assertEquals(9, c.onExit().join().signal(), "SIGKILL, never started: " + c.onExit().join());
        assertFalse(Files.exists(fifo.getParent()), "the FIFO and its directory are gone");
        assertThrows(IllegalStateException.class, c::start, "a closed container cannot start");
        before.assertNothingNewIn(Leaks.snapshot());
    }

    @Test
    void aContainerWithAnInitCanBeCreatedAndStarted() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).init(true).command("sh", "-c", "exit 5").build();
        try (CreatedContainer c = Launcher.create(spec)) {
            c.start();
            assertEquals(5, c.waitFor().code(), "the init reports the command's status");
        }
    }

    @Test
    void aContainerInAUserNamespaceCanBeCreatedAndStarted() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).mapCurrentUserToRoot()
                .command("sh", "-c", "id -u; wc -l < /proc/self/uid_map").stdout(Stdio.pipe()).build();
        try (CreatedContainer c = Launcher.create(spec)) {
            c.start();
            assertEquals(0, c.waitFor().code());
            assertEquals("0\n1\n", new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8).replace(" ", ""));
        }
    }

    @Test
    void aSetupFailureIsReportedByCreateAndLeavesNothing() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).workingDirectory("/no/such/dir")
                .command("true").build();
        long before = createdDirectories();
        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.create(spec));
        assertEquals("chdir", e.syscall(), e.getMessage());
        assertEquals(before, createdDirectories(), "no runtime directory left");
    }

    @Test
    void aFailedExecAfterTheStartShowsAsExitStatus127() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("/no/such/program").build();
        try (CreatedContainer c = Launcher.create(spec)) {
            c.start();
            assertEquals(127, c.waitFor().code(), "no error pipe is left after the start: the exit status says it");
        }
    }

    private static long createdDirectories() throws Exception {
        Path base = Path.of("/run/panamax");
        if (!Files.isDirectory(base)) {
            return 0;
        }
        try (var dirs = Files.list(base)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("created-")).count();
        }
    }

    private static String status(long pid) throws Exception {
        return Files.readString(Path.of("/proc/" + pid + "/status"));
    }

    /** Alive and not a zombie. */
    private static boolean waiting(long pid) throws Exception {
        try {
            return status(pid).lines().noneMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /** This JVM is not its parent: it watches the pid until it is gone or a zombie, for at most 10 s. */
    private static void awaitEnd(long pid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (waiting(pid) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(waiting(pid), "the started container ends");
    }

    /** After a failure: kill it if that pid is still the created container, and remove its FIFO. */
    private static void killIfStillWaiting(StartRecord record) throws Exception {
        ProcessHandle.of(record.pid()).filter(h -> h.info().command().orElse("").contains("panamax-setup")
                || Files.exists(record.fifo())).ifPresent(ProcessHandle::destroyForcibly);
        Files.deleteIfExists(record.fifo());
        Files.deleteIfExists(record.fifo().getParent());
    }
}
