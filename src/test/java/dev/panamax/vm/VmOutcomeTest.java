package dev.panamax.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the VM leg counts as passed, and the summary file format the guest and host share. */
class VmOutcomeTest {

    private static final VmRunSummary PASSED = new VmRunSummary(3, 3, 0, 0, List.of());

    private static VmOutcome outcome(boolean timedOut, Optional<Integer> exit, Optional<VmRunSummary> summary,
                                                                      Optional<String> leftover) {
        return new VmOutcome(timedOut, 0, exit, summary, leftover, "", Duration.ZERO, Optional.empty(), Duration.ZERO);
    }

    @Test
    void aCleanRunWithTestsPasses() {
        assertEquals(List.of(), outcome(false, Optional.of(0), Optional.of(PASSED), Optional.empty()).problems());
    }

    @Test
    void aRunThatRanNoTestFails() {
        var none = new VmRunSummary(0, 0, 0, 0, List.of());
        assertEquals(List.of("the test runner in the guest exited with 2", "no test ran in the guest"),
                outcome(false, Optional.of(2), Optional.of(none), Optional.empty()).problems());
    }

    @Test
    void aTimeoutWithoutResultsFailsNamingEachMissingPiece() {
        assertEquals(List.of("the VM did not power off in time and was killed",
                        "the guest wrote no exit code (it did not reach the end of .ci/vm/stage2)",
                        "the guest wrote no test summary"),
                outcome(true, Optional.empty(), Optional.empty(), Optional.empty()).problems());
    }

    @Test
    void failedTestsAndLeftoverCgroupsFail() {
        var failed = new VmRunSummary(3, 2, 1, 0, List.of("[method:x()]\njava.lang.AssertionError: boom"));
        var problems = outcome(false, Optional.of(1), Optional.of(failed), Optional.of("/sys/fs/cgroup/panamax"))
                .problems();
        assertEquals(List.of("the test runner in the guest exited with 1", "1 test(s) failed in the guest",
                "cgroups left behind in the guest: /sys/fs/cgroup/panamax"), problems);
    }

    @Test
    void theSummaryFileRoundTripsMultiLineFailures(@TempDir Path dir) throws Exception {
        var summary = new VmRunSummary(4, 1, 2, 1,
                List.of("[method:a()]\njava.lang.AssertionError: one\n\tat A.a(A.java:1)", "[method:b()]"));
        summary.write(dir.resolve("summary.txt"));
        assertEquals(summary, VmRunSummary.read(dir.resolve("summary.txt")));
    }

    @Test
    void aTruncatedSummaryFileIsRejected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("summary.txt"), "found=3\nsucceeded=3\n");
        var e = assertThrows(java.io.IOException.class, () -> VmRunSummary.read(dir.resolve("summary.txt")));
        assertTrue(e.getMessage().contains("incomplete summary"), e.getMessage());
    }

    @Test
    void negativeCountsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new VmRunSummary(-1, 0, 0, 0, List.of()));
        assertTrue(e.getMessage().contains("found=-1"), e.getMessage());
    }
}
