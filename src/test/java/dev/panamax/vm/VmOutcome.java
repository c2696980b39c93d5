package dev.panamax.vm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one run of a test VM produced, and whether it counts as a pass.
 *
 * <pre>{@code
 * VmOutcome outcome = vm.run(args);
 * outcome.assertPassed(); // or: assertTrue(outcome.problems().isEmpty(), outcome.report());
 * }</pre>
 *
 * @param timedOut qemu was killed at the timeout
 * @param qemuExitCode qemu's exit code (-1 when killed)
 * @param testExitCode the JUnit runner's exit code as written by the guest, if it got that far
 * @param summary the JUnit summary written by the guest, if any
 * @param leftoverCgroups cgroups still present after the run, if any
 * @param console the serial console, each line prefixed with host time since qemu started
 * @param prepare time to fetch (or find cached) the kernel and userland, and build the initramfs
 * @param bootToInit host time from qemu's start until the guest's /init ran
 * @param total host time for the whole run, prepare included
 */
record VmOutcome(boolean timedOut, int qemuExitCode, Optional<Integer> testExitCode,
                                  Optional<VmRunSummary> summary, Optional<String> leftoverCgroups, String console,
                                  Duration prepare, Optional<Duration> bootToInit, Duration total) {

    /** Empty when the run passed; otherwise why not, one line each. */
    List<String> problems() {
        var problems = new ArrayList<String>();
        if (timedOut) {
            problems.add("the VM did not power off in time and was killed");
        }
        if (testExitCode.isEmpty()) {
            problems.add("the guest wrote no exit code (it did not reach the end of .ci/vm/stage2)");
        } else if (testExitCode.get() != 0) {
            problems.add("the test runner in the guest exited with " + testExitCode.get());
        }
        summary.ifPresentOrElse(s -> {
            if (s.found() == 0) {
                problems.add("no test ran in the guest");
            } else if (!s.passed()) {
                problems.add(s.failed() + " test(s) failed in the guest");
            }
        }, () -> problems.add("the guest wrote no test summary"));
        leftoverCgroups.ifPresent(c -> problems.add("cgroups left behind in the guest: " + c));
        return problems;
    }

    /** Prints timings and summary; fails with {@link #report()} unless the run passed, else prints the console. */
    void assertPassed() {
        System.out.println(timings());
        System.out.println(summary.map(VmRunSummary::describe).orElse("(no summary)"));
        assertTrue(problems().isEmpty(), this::report);
        System.out.println(console);
    }

    String timings() {
        return "VM leg: prepare " + seconds(prepare) + ", boot to init "
                + bootToInit.map(VmOutcome::seconds).orElse("n/a") + ", total " + seconds(total);
    }

    String report() {
        return String.join("\n", problems()) + "\n" + timings()
                + "\n" + summary.map(VmRunSummary::describe).orElse("(no summary)")
                + "\n===== VM console =====\n" + console + "===== end of VM console =====";
    }

    private static String seconds(Duration d) {
        return String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
