package dev.panamax.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a JUnit run inside the test VM reported: counts and one message per failure. Written by
 * {@link VmTestRunner} inside the VM, read by the host through the shared results directory.
 *
 * <pre>{@code
 * VmRunSummary summary = VmRunSummary.read(resultsDir.resolve("summary.txt"));
 * assertTrue(summary.found() > 0, summary.describe());
 * }</pre>
 *
 * @param found tests found by the discovery request
 * @param succeeded tests that passed
 * @param failed tests and containers that failed
 * @param skipped tests skipped or aborted (assumption failures)
 * @param failures one entry per failure: test name, exception and stack trace
 */
record VmRunSummary(long found, long succeeded, long failed, long skipped, List<String> failures) {

    private static final String FAILURE = "failure:";

    VmRunSummary {
        if (found < 0 || succeeded < 0 || failed < 0 || skipped < 0) {
            throw new IllegalArgumentException("counts must be >= 0, got found=" + found
                    + " succeeded=" + succeeded + " failed=" + failed + " skipped=" + skipped);
        }
        failures = List.copyOf(failures);
    }

    /** True when at least one test ran and nothing failed. */
    boolean passed() {
        return found > 0 && failed == 0 && failures.isEmpty();
    }

    String describe() {
        var text = new StringBuilder("tests found " + found + ", succeeded " + succeeded
                + ", failed " + failed + ", skipped or aborted " + skipped);
        failures.forEach(f -> text.append("\n--- ").append(f));
        return text.toString();
    }

    /** Lines of {@code key=value} counts, then one block per failure; continuation lines indented. */
    void write(Path file) throws IOException {
        var lines = new ArrayList<String>();
        lines.add("found=" + found);
        lines.add("succeeded=" + succeeded);
        lines.add("failed=" + failed);
        lines.add("skipped=" + skipped);
        for (String failure : failures) {
            lines.add(FAILURE + " " + failure.replace("\n", "\n  "));
        }
        Files.write(file, lines);
    }

    static VmRunSummary read(Path file) throws IOException {
        long found = -1, succeeded = -1, failed = -1, skipped = -1;
        var failures = new ArrayList<String>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(FAILURE)) {
                failures.add(line.substring(FAILURE.length()).strip());
            } else if (line.startsWith("  ") && !failures.isEmpty()) {
                failures.set(failures.size() - 1, failures.getLast() + "\n" + line.substring(2));
            } else if (line.contains("=")) {
                long value = Long.parseLong(line.substring(line.indexOf('=') + 1).strip());
                switch (line.substring(0, line.indexOf('='))) {
                    case "found" -> found = value;
                    case "succeeded" -> succeeded = value;
                    case "failed" -> failed = value;
                    case "skipped" -> skipped = value;
                    default -> throw new IOException(file + ": unknown key in line: " + line);
                }
            }
        }
        if (found < 0 || succeeded < 0 || failed < 0 || skipped < 0) {
            throw new IOException(file + ": incomplete summary (found, succeeded, failed, skipped)");
        }
        return new VmRunSummary(found, succeeded, failed, skipped, failures);
    }
}
