package dev.panamax.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.trampoline.Arch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The compiler makes a plan for either architecture on any machine, and every call it chooses exists there:
 * arm64 has only the {@code *at} forms ({@code openat}, {@code mkdirat}, {@code mknodat}, {@code dup3}...).
 */
class ArchitecturePlanTest {
    private static final Path ROOTFS = Path.of(System.getProperty("java.io.tmpdir"));
    private static final List<Host> HOSTS = List.of(new Host(0, 0, Capability.LAST.number()),
            new Host(1000, 1000, Capability.LAST.number()));
    private static final List<Arch> ARCHES = List.of(Arch.X86_64, Arch.AARCH64);

    private static List<ContainerSpec> specs() {
        List<ContainerSpec> specs = new ArrayList<>(PlanSpecs.varied(ROOTFS));
        specs.add(PlanSpecs.rich(ROOTFS));
        return specs;
    }

    @Test
    void everyCallOfAPlanExistsInItsArchitecturesTable() {
        int plans = 0;
        for (Arch arch : ARCHES) {
            TreeSet<String> used = new TreeSet<>();
            for (ContainerSpec spec : specs()) {
                for (Host host : HOSTS) {
                    ChildProgram program = SpecCompiler.plan(spec, host, arch);
                    for (Step step : program.steps()) {
                        used.add(step.syscall());
                        assertTrue(arch.syscalls().number(step.syscall()).isPresent(), () -> arch + " has no "
                                + step.syscall() + " (step \"" + step.what() + "\") in the plan of " + spec + ":\n"
                                + program.render());
                    }
                    plans++;
                }
            }
            assertTrue(used.containsAll(List.of("openat2", "mkdirat", "mknodat", "symlinkat", "dup3", "execve",
                    "seccomp", "pivot_root", "clone", "rt_sigaction")), arch + ": the specs reach every group: " + used);
        }
        assertEquals(2 * 2 * specs().size(), plans);
    }

    /** An exec into a running container is compiled for this machine only; its calls exist on both too. */
    @Test
    void everyCallOfAnExecExistsOnBothArchitectures() {
        ContainerSpec ps = ContainerSpec.builder().command("ps").build();
        for (ContainerSpec spec : List.of(PlanSpecs.rich(ROOTFS), PlanSpecs.varied(ROOTFS).getFirst())) {
            ContainerSpec exec = ExecIntoSteps.execSpec(spec, ps.process(), java.util.Optional.empty(),
                    java.util.Set.of());
            ChildProgram program = ExecIntoSteps.compile(exec, ChildFds.symbolic(true, false, false, false, false),
                    Arg.Word.unknown("container_pidfd"), Arg.Word.unknown("container_root"));
            for (Arch arch : ARCHES) {
                for (Step step : program.steps()) {
                    assertTrue(arch.syscalls().number(step.syscall()).isPresent(),
                            () -> arch + " has no " + step.syscall() + ":\n" + program.render());
                }
            }
        }
    }

    @Test
    void anArm64PlanMakesTheSameCallsForTheSameStepsAsAnX8664One() {
        for (ContainerSpec spec : specs()) {
            for (Host host : HOSTS) {
                assertEquals(calls(SpecCompiler.plan(spec, host, Arch.X86_64)),
                        calls(SpecCompiler.plan(spec, host, Arch.AARCH64)), spec.toString());
            }
        }
    }

    private static List<String> calls(ChildProgram program) {
        return program.steps().stream().map(s -> s.syscall() + ": " + s.what()).toList();
    }

    @Test
    void aPlansSeccompFilterIsCompiledForItsArchitecture() {
        ContainerSpec spec = ContainerSpec.builder().rootfs(ROOTFS).command("/bin/true").build();
        String arm64 = seccompDetail(SpecCompiler.plan(spec, HOSTS.getFirst(), Arch.AARCH64));
        assertTrue(arm64.startsWith("arch != aarch64 -> KILL_PROCESS\n"), arm64);
        assertTrue(!arm64.contains("x32") && arm64.contains("\nmount -> ERRNO(EPERM)\n"), arm64);
        assertTrue(arm64.endsWith("not on aarch64, left out: create_module, get_kernel_syms, query_module, uselib,"
                + " _sysctl, iopl, ioperm\n"), arm64);
        String x86 = seccompDetail(SpecCompiler.plan(spec, HOSTS.getFirst(), Arch.X86_64));
        assertTrue(x86.startsWith("arch != x86_64 -> KILL_PROCESS\nnr >= 0x40000000 (x32 ABI) -> KILL_PROCESS\n")
                && x86.contains("\niopl -> ERRNO(EPERM)\n") && !x86.contains("left out"), x86);
    }

    private static String seccompDetail(ChildProgram program) {
        return program.steps().stream().filter(s -> s.syscall().equals("seccomp")).findFirst().orElseThrow().detail();
    }
}
