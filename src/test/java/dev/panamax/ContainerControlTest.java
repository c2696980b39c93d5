package dev.panamax;

import dev.panamax.cgroup.Cgroup;
import dev.panamax.cgroup.CgroupManager;
import dev.panamax.cgroup.CgroupPath;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A created container with a cgroup outlives the JVM that created it, and another process controls it from its
 * start record: its state, freezing, its limits, signals to all its processes, and its removal.
 */
@Tag("kernel")
class ContainerControlTest extends BusyboxTest {
    private static final long MIB = 1024 * 1024;

    /** A cgroup path of this test run: below the runtime's parent, with a directory between. */
    private static String uniquePath(String leaf) {
        return "pmxctl" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "/" + leaf;
    }

    /** Creates in a child JVM that exits; returns the record it printed. */
    private static StartRecord createdByAJvmThatExits(String cgroupPath, String command) throws Exception {
        Process jvm = ChildJvm.start(ControlProbe.class, root.path().toString(), cgroupPath, command);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("panamax-created "), "the probe prints the record, got: "
                    + line + "\n" + new String(jvm.getInputStream().readAllBytes()));
            assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the creating JVM exits");
            assertEquals(0, jvm.exitValue(), "the creating JVM exits normally");
            return StartRecord.parse(line);
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor();
        }
    }

    @Test
    void aCreatedContainerWithLimitsOutlivesItsJvmAndIsControlledFromAnotherProcess() throws Exception {
        String path = uniquePath("web");
        StartRecord record = null;
        try {
            record = createdByAJvmThatExits(path, "sleep 1000 & exec sleep 1000");
            ContainerControl control = Launcher.control(record);
            CgroupPath cgroup = record.cgroup().orElseThrow();
            assertEquals(CgroupManager.system().parent() + "/" + path, cgroup.path(), "the cgroup is where asked");
            assertEquals(ContainerControl.State.CREATED, control.state());
            List<Path> dirs = Cgroup.existing(cgroup).paths();
            assertTrue(dirs.size() >= 1, "the cgroup outlived its JVM: " + dirs);
            assertEquals(64 * MIB, memoryLimit(cgroup), "its memory limit");
            assertEquals("32", read(cgroup, "pids", "pids.max"), "its pids limit");
            assertEquals(List.of(record.pid()), control.pids(), "the waiting process is in it, alone");

            Launcher.start(record);
            assertEquals(ContainerControl.State.RUNNING, control.state());
            StartRecord started = record;
            await(() -> Launcher.control(started).pids().size() == 2, "the started command forks a second sleep");

            control.freeze();
            assertEquals(ContainerControl.State.PAUSED, control.state());
            control.thaw();
            assertEquals(ContainerControl.State.RUNNING, control.state());

            control.update(Resources.builder().memoryMax(DataSize.parse("128m")).build());
            assertEquals(128 * MIB, memoryLimit(cgroup), "update wrote the new memory limit");
            assertEquals("32", read(cgroup, "pids", "pids.max"), "what the update does not set stays");

            control.freeze();
            control.destroy(); // paused: its processes are killed all the same
            assertNothingLeft(record, dirs);
            assertEquals(ContainerControl.State.STOPPED, control.state());
            control.destroy(); // again: nothing to do, no error
            assertThrows(IllegalStateException.class, control::freeze, "a removed container cannot freeze");
        } finally {
            if (record != null) {
                Launcher.control(record).destroy();
            }
        }
    }

    @Test
    void signalAllReachesEveryProcessOfTheContainer() throws Exception {
        // pid 1 of its PID namespace (an exec'd sleep) ignores SIGTERM from outside; its two siblings do not
        // no resources: the cgroup path alone gives it a cgroup, without limits
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path())
                .command("sh", "-c", "sleep 1000 & sleep 1000 & exec sleep 1000").build();
        try (CreatedContainer c = Launcher.create(spec, CreateOptions.defaults().withCgroupPath(uniquePath("all")))) {
            ContainerControl control = Launcher.control(c.startRecord());
            assertTrue(c.startRecord().cgroup().isPresent(), "a cgroup path gives it a cgroup");
            c.start();
            await(() -> control.pids().size() == 3, "three processes run");
            control.signalAll(15);
            await(() -> control.pids().equals(List.of(c.pid())), "SIGTERM ended both sleeps: " + control.pids());
            assertEquals(ContainerControl.State.RUNNING, control.state(), "the cgroup is thawed again");
            assertTrue(control.signal(0), "the container's own process is still there");
            control.signalAll(9);
            assertEquals(List.of(), control.pids(), "SIGKILL (cgroup.kill) ended every process");
            assertEquals(9, c.waitFor().signal());
            assertEquals(ContainerControl.State.STOPPED, control.state());
            assertFalse(control.signal(15), "a signal to an ended container is not sent");
        }
    }

    @Test
    void destroyEndsAContainerWithoutACgroupAndRemovesItsFifo() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("sleep", "1000").build();
        try (CreatedContainer c = Launcher.create(spec)) {
            StartRecord record = c.startRecord();
            assertTrue(record.cgroup().isEmpty(), "no resources, no path: no cgroup");
            ContainerControl control = Launcher.control(record);
            assertEquals(ContainerControl.State.CREATED, control.state());
            assertEquals(List.of(c.pid()), control.pids(), "its own process");
            assertThrows(IllegalStateException.class, control::freeze, "nothing to freeze without a cgroup");
            control.destroy();
            assertEquals(9, c.waitFor().signal(), "SIGKILL through its pidfd");
            assertEquals(ContainerControl.State.STOPPED, control.state());
            assertEquals(List.of(), control.pids());
            assertFalse(Files.exists(record.fifo().getParent()), "the FIFO directory is removed");
            control.destroy(); // again: nothing to do, no error
        }
    }

    @Test
    void theOrphanSweepLeavesTheCgroupOfALiveCreatedContainer() throws Exception {
        StartRecord record = null;
        try {
            record = createdByAJvmThatExits("-", "exit 0");
            CgroupPath cgroup = record.cgroup().orElseThrow();
            assertTrue(cgroup.relative().matches("c\\d+-\\d+"), "named like a container cgroup, so the sweep looks "
                    + "at it: " + cgroup);
            List<Path> dirs = Cgroup.existing(cgroup).paths();
            assertFalse(dirs.isEmpty(), "its JVM exited, its cgroup stayed");

            // a new JVM whose first cgroup sweeps the parent of every hierarchy for dead JVMs' cgroups
            Process next = ChildJvm.start(OrphanCgroupProbe.class, "launch", root.path().toString());
            String output = new String(next.getInputStream().readAllBytes());
            assertTrue(next.waitFor(60, TimeUnit.SECONDS), output);
            assertEquals(0, next.exitValue(), output);

            for (Path dir : dirs) {
                assertTrue(Files.isDirectory(dir), "the sweep left the busy cgroup " + dir);
            }
            assertEquals(List.of(record.pid()), Launcher.control(record).pids(), "the container is still in it");
            assertEquals(ContainerControl.State.CREATED, Launcher.control(record).state());

            Launcher.control(record).destroy();
            assertNothingLeft(record, dirs);
        } finally {
            if (record != null) {
                Launcher.control(record).destroy();
            }
        }
    }

    @Test
    void aCgroupPathOutsideTheParentIsRefusedBeforeAnythingIsMade() {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("true").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Launcher.create(spec, CreateOptions.defaults().withCgroupPath("/panamax/../escape")));
        assertTrue(e.getMessage().startsWith("cgroupsPath: must not contain a \"..\" component"), e.getMessage());
    }

    private static void assertNothingLeft(StartRecord record, List<Path> dirs) {
        for (Path dir : dirs) {
            assertFalse(Files.exists(dir), "the cgroup is removed: " + dir);
            if (record.cgroup().orElseThrow().relative().contains("/")) {
                assertFalse(Files.exists(dir.getParent()), "and the directory between, then empty: " + dir.getParent());
            }
        }
        assertTrue(gone(record.pid()), "no process is left (a zombie waits for its reaper, the parent it was "
                + "reparented to)");
        assertFalse(Files.exists(record.fifo().getParent()), "the FIFO directory is removed");
    }

    private static boolean gone(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/status")).lines()
                    .anyMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (java.io.IOException noSuchProcess) {
            return true;
        }
    }

    private static long memoryLimit(CgroupPath cgroup) {
        Path dir = Cgroup.existing(cgroup).path("memory").orElseThrow();
        Path file = Files.exists(dir.resolve("memory.max")) ? dir.resolve("memory.max")
                : dir.resolve("memory.limit_in_bytes");
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(CgroupPath cgroup, String controller, String file) throws Exception {
        return Files.readString(Cgroup.existing(cgroup).path(controller).orElseThrow().resolve(file)).strip();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within 10 s: " + what);
            Thread.sleep(10);
        }
    }
}
