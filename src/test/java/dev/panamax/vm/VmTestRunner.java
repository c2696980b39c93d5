package dev.panamax.vm;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs JUnit tests inside a test VM (started by {@code .ci/vm/stage2}) and writes a
 * {@link VmRunSummary}. Exit code 0 when tests ran and none failed, 1 on failures, 2 when no test
 * was found, 3 on bad arguments.
 *
 * <pre>{@code
 * java -cp ... dev.panamax.vm.VmTestRunner /results/summary.txt --tag cgroup --package dev.panamax.cgroup
 * java -cp ... dev.panamax.vm.VmTestRunner /results/summary.txt --class dev.panamax.cgroup.CgroupV2EnvironmentTest
 * }</pre>
 */
public final class VmTestRunner {

    private VmTestRunner() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: VmTestRunner SUMMARY_FILE (--tag T | --package P | --class C)...");
            System.exit(3);
        }
        var request = LauncherDiscoveryRequestBuilder.request();
        var selectors = new ArrayList<DiscoverySelector>();
        for (int i = 1; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--tag" -> request.filters(TagFilter.includeTags(value));
                case "--package" -> selectors.add(selectPackage(value));
                case "--class" -> selectors.add(selectClass(value));
                default -> {
                    System.err.println("VmTestRunner: unknown option " + args[i]);
                    System.exit(3);
                }
            }
        }
        VmRunSummary summary = run(request.selectors(selectors).build());
        summary.write(Path.of(args[0]));
        System.out.println("VmTestRunner: " + summary.describe());
        System.exit(summary.found() == 0 ? 2 : summary.passed() ? 0 : 1);
    }

    /**
     * The runner's selection: {@code --class} for each of the comma-separated {@code classes} (a
     * {@code -Dpanamax.vm.tests} value), or {@code defaults} when it is blank.
     */
    static List<String> arguments(String classes, List<String> defaults) {
        if (classes.isBlank()) {
            return defaults;
        }
        var args = new ArrayList<String>();
        for (String c : classes.split(",")) {
            args.add("--class");
            args.add(c.strip());
        }
        return List.copyOf(args);
    }

    private static VmRunSummary run(LauncherDiscoveryRequest request) {
        var counts = new SummaryGeneratingListener();
        var failures = new ArrayList<String>();
        TestExecutionListener progress = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    System.out.println("VmTestRunner: " + result.getStatus() + " " + id.getUniqueId());
                }
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failures.add(id.getUniqueId() + "\n" + result.getThrowable().map(VmTestRunner::trace).orElse(""));
                }
            }
        };
        LauncherFactory.create().execute(request, counts, progress);
        var totals = counts.getSummary();
        return new VmRunSummary(
                totals.getTestsFoundCount(),
                totals.getTestsSucceededCount(),
                totals.getTestsFailedCount() + totals.getContainersFailedCount(),
                totals.getTestsSkippedCount() + totals.getTestsAbortedCount(),
                List.copyOf(failures));
    }

    private static String trace(Throwable t) {
        var out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString().strip();
    }
}
