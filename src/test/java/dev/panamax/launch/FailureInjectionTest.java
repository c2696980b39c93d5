package dev.panamax.launch;

import dev.panamax.program.SpecCompiler;
import dev.panamax.program.Step;
import dev.panamax.ContainerSpec;
import dev.panamax.Leaks;
import dev.panamax.LaunchException;
import dev.panamax.Stdio;
import dev.panamax.cgroup.Resources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For every step of a typical program, that step is made to fail (its syscall number replaced by one no
 * kernel has: ENOSYS). The exception must name that step, and nothing may be left: no child, no zombie,
 * no descriptor, no cgroup, and the container's process never ran.
 */
@Tag("kernel")
class FailureInjectionTest extends dev.panamax.BusyboxTest {

    @Test
    void everyStepFailsCleanlyAndIsNamedWithACgroup() throws IOException {
        everyStepFailsCleanlyAndIsNamed("cgroup");
    }

    @Test
    void everyStepFailsCleanlyAndIsNamedWithACgroupAndAUserNamespace() throws IOException {
        everyStepFailsCleanlyAndIsNamed("cgroup+userns");
    }

    @Test
    void everyStepFailsCleanlyAndIsNamedWithAnInit() throws IOException {
        everyStepFailsCleanlyAndIsNamed("init");
    }

    @Test
    void everyStepFailsCleanlyAndIsNamedInTheJvmsAddressSpace() throws IOException {
        everyStepFailsCleanlyAndIsNamed("plain");
    }

    @Test
    void everyStepFailsCleanlyAndIsNamedJoiningNamespacesFromTheSetupExecutable() throws Exception {
        try (dev.panamax.Container pod = dev.panamax.Launcher.launch(ContainerSpec.builder().rootfs(root.path())
                .command("sleep", "1000").build())) {
            everyStepFailsCleanlyAndIsNamed("joins", pod);
        }
    }

    /**
     * Every step of an exec's program fails cleanly and is named, the exec's command never runs, and the
     * container it went into lives on (with a cgroup: the exec joins it).
     */
    @Test
    void everyStepOfAnExecFailsCleanlyAndIsNamed() throws Exception {
        Path marker = root.path().resolve("tmp/exec-ran");
        // pids.max leaves room for the relays and commands of failed execs that are still being reaped
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("/bin/sleep", "1000")
                .resources(Resources.builder().pidsMax(400).build()).build();
        Leaks before;
        try (dev.panamax.Container target = dev.panamax.Launcher.launch(spec)) {
            before = Leaks.snapshot(); // after a launch: what the JVM makes once for all launches is there
            RunningContainer running = (RunningContainer) target;
            ContainerSpec execSpec = dev.panamax.program.ExecIntoSteps.execSpec(spec,
                    ContainerSpec.builder().command("sh", "-c", "touch /tmp/exec-ran").stdout(Stdio.pipe())
                            .stderr(Stdio.discard()).build().process(), java.util.Optional.empty(), java.util.Set.of());
            List<Step> steps = ExecLaunch.plan(execSpec).steps();
            assertTrue(steps.size() > 20, "a typical exec program: " + steps.size() + " steps");
            for (int i = 0; i < steps.size(); i++) {
                int faulty = i;
                LaunchException e = assertThrows(LaunchException.class,
                        () -> ExecLaunch.start(execSpec, running, s -> s == faulty),
                        "step " + i + " (" + steps.get(i).what() + ") must fail the exec");
                assertEquals(steps.get(i).what(), e.step(), e.getMessage());
                assertEquals("ENOSYS", e.errnoName(), e.getMessage());
                assertTrue(Files.notExists(marker), "the exec's command must never run after a failed step");
            }
            assertTrue(target.waitFor(java.time.Duration.ZERO).isEmpty(), "the container lives on");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (running.cgroupOrNull().pids().size() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(target.pid()), running.cgroupOrNull().pids(), "no failed exec's process is left");
        }
        before.assertNothingNewIn(Leaks.snapshot());
        assertEquals(List.of(), cgroupsOfThisJvm());
    }

    private void everyStepFailsCleanlyAndIsNamed(String shape) throws IOException {
        everyStepFailsCleanlyAndIsNamed(shape, null);
    }

    /**
     * The shapes of the protocol: setup executable with a cgroup, with a user namespace too, with an init, with
     * an init joining {@code pod}'s namespaces (by pidfd and by path); none.
     */
    private void everyStepFailsCleanlyAndIsNamed(String shape, dev.panamax.Container pod) throws IOException {
        Path marker = root.path().resolve("tmp/ran");
        ContainerSpec.Builder b = ContainerSpec.builder().rootfs(root.path()).hostname("box").domainname("dom")
                .command("sh", "-c", "touch /tmp/ran").stdout(Stdio.pipe()).stderr(Stdio.discard());
        switch (shape) {
            case "cgroup" -> b.resources(Resources.builder().pidsMax(10).build());
            case "cgroup+userns" -> b.resources(Resources.builder().pidsMax(10).build())
                    .namespaces(dev.panamax.sys.Namespace.USER, dev.panamax.sys.Namespace.MOUNT,
                            dev.panamax.sys.Namespace.PID, dev.panamax.sys.Namespace.UTS).mapCurrentUserToRoot();
            case "init" -> b.init(true);
            case "joins" -> b.init(true).shareNamespaces(pod, dev.panamax.sys.Namespace.NET)
                    .joinNamespace(dev.panamax.sys.Namespace.IPC, dev.panamax.sys.Namespace.IPC.procPath(pod.pid()));
            default -> { }
        }
        ContainerSpec spec = b.build();
        List<Step> steps = SpecCompiler.plan(spec).steps();
        assertTrue(steps.size() > 20, "a typical program: " + steps.size() + " steps");
        Leaks before = Leaks.snapshot();
        for (int i = 0; i < steps.size(); i++) {
            int faulty = i;
            LaunchException e = assertThrows(LaunchException.class, () -> Launch.start(spec, s -> s == faulty),
                    "step " + i + " (" + steps.get(i).what() + ") must fail the launch");
            assertEquals(steps.get(i).what(), e.step(), e.getMessage());
            assertEquals(steps.get(i).syscall(), e.syscall());
            assertEquals("ENOSYS", e.errnoName());
            assertTrue(e.getMessage().contains("step " + i + " \"" + steps.get(i).what() + "\""), e.getMessage());
            assertTrue(Files.notExists(marker), "the container's program must never run after a failed step");
        }
        before.assertNothingNewIn(Leaks.snapshot());
        assertEquals(List.of(), cgroupsOfThisJvm());
    }

    static List<Path> cgroupsOfThisJvm() throws IOException {
        return dev.panamax.ChildJvm.containerCgroupsLeftHere();
    }
}
