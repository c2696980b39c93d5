package dev.panamax.vm;

import java.time.Duration;
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
 * class in {@code dev.panamax.cgroup} and the named ones. The image root classes prove images on Debian 12's
 * kernel (no {@code lowerdir+}: an image of many layers is mounted with {@code mount(2)}); not
 * {@code ImageRootKernelTest}: its rootless store sets {@code user.*} xattrs in {@code /tmp}, a tmpfs here,
 * which takes them only from Linux 6.6.
 */
@Tag("vm")
class CgroupV2VirtualMachineTest {

    @Test
    void cgroupTaggedTestsPassInsideAPureCgroupV2VirtualMachine() throws Exception {
        VmSettings settings = VmSettings.fromSystemProperties(Duration.ofSeconds(480));
        long start = System.nanoTime();
        var vm = new TestVirtualMachine(settings, VmGuest.host(settings));
        VmOutcome outcome = vm.run(VmTestRunner.arguments(System.getProperty("panamax.vm.tests", ""),
                        List.of("--tag", "cgroup", "--package", "dev.panamax.cgroup",
                                "--class", "dev.panamax.ContainerCgroupTest", "--class", "dev.panamax.DeviceTest",
                                "--class", "dev.panamax.ContainerControlTest",
                                // images on a 6.1 kernel: fsconfig lowerdir, and mount(2) where 6.8's lowerdir+ is
                                "--class", "dev.panamax.mount.ImageRootTest", "--class", "dev.panamax.ImageSpecTest",
                                "--class", "dev.panamax.program.OverlayMountDataTest")),
                Duration.ofNanos(System.nanoTime() - start));
        outcome.assertPassed();
    }
}
