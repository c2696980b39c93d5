package dev.panamax.vm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cgroup v2 leg: runs the test classes tagged {@code cgroup} inside a VM whose kernel has no
 * cgroup v1 at all ({@code cgroup_no_v1=all}), because this host is hybrid and users run v2.
 * Needs qemu-system-x86, busybox-static and cpio ({@code .ci/deps}) and, the first time, apt
 * access to download the kernel.
 *
 * <p>{@code -Dpanamax.vm.tests=a.B,c.D} runs those classes instead of every {@code cgroup}-tagged
 * class in {@code dev.panamax.cgroup}.
 */
@Tag("vm")
class CgroupV2VirtualMachineTest {

    @Test
    void cgroupTaggedTestsPassInsideAPureCgroupV2VirtualMachine() throws Exception {
        var vm = new CgroupV2VirtualMachine(VmSettings.fromSystemProperties());
        VmOutcome outcome = vm.run(runnerArgs(System.getProperty("panamax.vm.tests", "")));
        System.out.println(outcome.timings());
        System.out.println(outcome.summary().map(VmRunSummary::describe).orElse("(no summary)"));
        assertTrue(outcome.problems().isEmpty(), outcome::report);
        System.out.println(outcome.console());
    }

    private static List<String> runnerArgs(String classes) {
        if (classes.isBlank()) {
            return List.of("--tag", "cgroup", "--package", "dev.panamax.cgroup",
                    "--class", "dev.panamax.ContainerCgroupTest", "--class", "dev.panamax.DeviceTest",
                    "--class", "dev.panamax.ContainerControlTest");
        }
        var args = new ArrayList<String>();
        for (String c : classes.split(",")) {
            args.add("--class");
            args.add(c.strip());
        }
        return args;
    }
}
