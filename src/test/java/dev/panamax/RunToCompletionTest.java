package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Launcher#run}: a container run to its end, with limits, input, captured output and a result. */
@Tag("kernel")
class RunToCompletionTest extends BusyboxTest {

    static ContainerSpec.Builder container(String script) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script);
    }

    static RunResult run(ContainerSpec.Builder spec, RunOptions.Builder options) {
        try {
            return Launcher.run(spec.build(), options.build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Processes of the host whose command line holds {@code marker}. */
    static List<Long> processesWith(String marker) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).contains(marker);
                } catch (IOException gone) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    @Test
    void anExitIsReportedWithItsCodeOutputAndTimes() {
        RunResult r = run(container("echo out; echo err >&2; exit 3"), RunOptions.builder());
        assertEquals(RunResult.Ending.EXITED, r.ending(), r.toString());
        assertEquals(ExitStatus.exited(3), r.status());
        assertEquals("out\n", r.stdout().text());
        assertEquals("err\n", r.stderr().text());
        assertEquals(0, r.stdout().dropped());
        assertTrue(r.wallTime().toNanos() > 0 && r.wallTime().compareTo(Duration.ofSeconds(30)) < 0, r.toString());
        assertEquals(RunResult.Accounting.RUSAGE, r.cpuAccounting(), "no cgroup: the reaped process's rusage");
        assertEquals(RunResult.Accounting.RUSAGE, r.memoryAccounting());
        assertTrue(r.memoryPeak() > 0, r.toString());
    }

    @Test
    void cpuTimeAndPeakMemoryComeFromTheReapedProcessesRusage() {
        // dd holds a 32 MiB buffer it fills; the shell waits for it, so its rusage counts dd's peak
        RunResult r = run(container("dd if=/dev/zero of=/dev/null bs=32M count=4 2>/dev/null;"
                + " i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"), RunOptions.builder());
        assertEquals(RunResult.Ending.EXITED, r.ending(), r.toString());
        assertTrue(r.memoryPeak() >= 32L << 20, "peak " + r.memoryPeak());
        // an upper bound: ru_maxrss keeps the resident set the first process had before its exec, the JVM's
        assertTrue(r.memoryPeak() >= jvmResidentPeak() / 2, "peak " + r.memoryPeak() + " vs this JVM's VmHWM");
        assertTrue(r.cpuTime().toMillis() >= 50, "a busy loop of 100,000 rounds: " + r.cpuTime());
        assertTrue(r.cpuTime().compareTo(r.wallTime().multipliedBy(2).plusMillis(50)) <= 0, r.toString());
    }

    /** This JVM's resident peak (VmHWM) in bytes. */
    private static long jvmResidentPeak() {
        try {
            String hwm = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).findFirst().orElseThrow();
            return Long.parseLong(hwm.replaceAll("[^0-9]", "")) * 1024;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSignalIsReportedAsSignalled() {
        // with the init, the command is pid 2 and dies of its own signal; the init reports it
        RunResult r = run(container("kill -SEGV $$; sleep 5").init(true), RunOptions.builder());
        assertEquals(RunResult.Ending.SIGNALLED, r.ending(), r.toString());
        assertEquals(11, r.status().signal());
    }

    @Test
    void aTimeoutKillsTheCommandAndItsChildrenAndLeavesNothing() throws Exception {
        Leaks before = Leaks.snapshot();
        String marker = "1000.0" + ProcessHandle.current().pid();
        RunResult r = run(container("sleep " + marker + " & sleep " + marker + " & sleep " + marker),
                RunOptions.builder().timeout(Duration.ofMillis(300)));
        assertEquals(RunResult.Ending.TIMED_OUT, r.ending(), r.toString());
        assertEquals(9, r.status().signal());
        assertTrue(r.wallTime().compareTo(Duration.ofMillis(300)) >= 0, r.toString());
        assertTrue(r.wallTime().compareTo(Duration.ofSeconds(20)) < 0, r.toString());
        assertEquals(List.of(), processesWith(marker), "no sleep survives the timeout");
        before.assertNothingNewIn(Leaks.snapshot());
    }

    @Test
    void outputBeyondTheLimitIsCountedAndDroppedWhileBothStreamsFlowAtOnce() {
        RunResult r = run(container("yes aaaaaaa | head -c 3000000 & yes bbbbbbb | head -c 2000000 >&2; wait; echo done"),
                RunOptions.builder().stdoutLimit(DataSize.ofBytes(1000)).stderrLimit(DataSize.ofKilobytes(4)));
        assertEquals(RunResult.Ending.EXITED, r.ending(), r.toString());
        assertEquals(0, r.status().code());
        assertEquals(1000, r.stdout().kept().length);
        assertEquals(3_000_000 + "done\n".length() - 1000, r.stdout().dropped());
        assertEquals(4096, r.stderr().kept().length);
        assertEquals(2_000_000 - 4096, r.stderr().dropped());
        assertTrue(r.stdout().text().startsWith("aaaaaaa\naaaaaaa\n"), r.stdout().text());
        assertTrue(r.stdout().truncated());
    }

    @Test
    void endOnOutputLimitKillsAProgramThatWritesForever() {
        RunResult r = run(container("yes"), RunOptions.builder().outputLimit(DataSize.ofKilobytes(64))
                .endOnOutputLimit(true).timeout(Duration.ofSeconds(30)));
        assertEquals(RunResult.Ending.OUTPUT_LIMIT, r.ending(), r.toString());
        assertEquals(64 * 1024, r.stdout().kept().length);
        assertTrue(r.stdout().dropped() > 0);
        assertEquals(9, r.status().signal());
    }

    @Test
    void stdinBytesAndFilesReachTheProgram() throws Exception {
        RunResult upper = run(container("tr a-z A-Z"), RunOptions.builder().stdin("hello\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("HELLO\n", upper.stdout().text());
        RunResult counted = run(container("wc -c"), RunOptions.builder().stdin(new byte[3_000_000]));
        assertEquals("3000000", counted.stdout().text().strip());
        // a program that never reads its input does not hold up the run
        RunResult ignored = run(container("true"), RunOptions.builder().stdin(new byte[10_000_000]));
        assertEquals(RunResult.Ending.EXITED, ignored.ending());
        RunResult none = run(container("wc -c"), RunOptions.builder());
        assertEquals("0", none.stdout().text().strip(), "empty stdin by default, never the JVM's");
        Path file = Files.createTempFile("panamax-run-", ".in");
        try {
            Files.writeString(file, "from a file\n");
            assertEquals("from a file\n", run(container("cat"), RunOptions.builder().stdin(file)).stdout().text());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aMergedStderrStaysMergedInTheResult() {
        RunResult r = run(container("echo one; echo two >&2; echo three").stderr(Stdio.mergeWithStdout()),
                RunOptions.builder());
        assertEquals("one\ntwo\nthree\n", r.stdout().text());
        assertEquals(0, r.stderr().kept().length);
    }

    @Test
    void aSpecWhoseProcessesCannotAllBeKilledIsRefused() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> run(container("true").namespaces(Namespace.MOUNT), RunOptions.builder()));
        assertEquals("namespaces", e.field());
    }
}
