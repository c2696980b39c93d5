package dev.panamax.vm;

import static org.junit.jupiter.api.Assumptions.abort;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The arm64 leg: boots Debian's arm64 kernel in an emulated arm64 machine (qemu TCG, pure cgroup v2)
 * and runs {@code dev.panamax.ArchitectureSmokeTest}, the interpreter's tests ({@code InterpreterTest})
 * and its failure injection ({@code FailureInjectionTest}) there, on Debian's arm64 JDK 25. Needs qemu-system-arm and cpio ({@code .ci/deps}) and, the first time, apt
 * access: {@code .ci/vm/fetch-arm64} downloads about 450 MB of arm64 .debs into the cache and unpacks
 * them (about 80 s here); without them the test is skipped, saying why.
 *
 * <p>{@code -Dpanamax.vm.tests=a.B,c.D} runs those classes instead; {@code -Dpanamax.vm.timeout}
 * bounds the VM (default 480 s, as the cgroup v2 leg: the leg takes 4 to 5.5 minutes here, under load).
 */
@Tag("vm")
class Arm64VirtualMachineTest {

    @Test
    void theArchitectureSmokeAndInterpreterTestsPassInsideAnArm64VirtualMachine() throws Exception {
        VmSettings settings = VmSettings.fromSystemProperties(Duration.ofSeconds(480));
        long start = System.nanoTime();
        VmGuest guest = null;
        try {
            guest = VmGuest.arm64(settings);
        } catch (VmGuest.UnavailableException e) {
            abort("the arm64 packages cannot be had, so the arm64 VM leg cannot run: " + e.getMessage());
        }
        VmOutcome outcome = new TestVirtualMachine(settings, guest).run(
                VmTestRunner.arguments(System.getProperty("panamax.vm.tests", ""),
                        List.of("--class", "dev.panamax.ArchitectureSmokeTest",
                                "--class", "dev.panamax.launch.InterpreterTest",
                                "--class", "dev.panamax.launch.FailureInjectionTest")),
                Duration.ofNanos(System.nanoTime() - start));
        outcome.assertPassed();
    }
}
