package dev.panamax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.cgroup.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Launcher#plan(ContainerSpec, String)}: an arm64 plan on an x86-64 machine, and the reverse. */
class CrossArchitecturePlanTest extends PlanTest {

    private static ContainerSpec spec() {
        return ContainerSpec.builder().rootfs(rootfs).hostname("box").command("/bin/true").init(true)
                .resources(Resources.builder().pidsMax(10).build()).build();
    }

    @Test
    void anArm64PlanNamesArm64sNumbersAndAuditArch() {
        String plan = Launcher.plan(spec(), "aarch64");
        List<String> lines = plan.lines().toList();
        assertEquals("# aarch64 (seccomp audit arch 0xc00000b7, ELF machine 183); its system call numbers:",
                lines.getFirst());
        String numbers = plan.substring(0, plan.indexOf("\n  -  "));
        for (String call : List.of("clone3=435", "openat2=437", "mkdirat=34", "mount=40", "pivot_root=41",
                "sethostname=161", "seccomp=277", "execve=221", "clone=220", "rt_sigaction=134")) {
            assertTrue(numbers.contains(" " + call), call + " in\n" + numbers);
        }
        assertTrue(numbers.lines().allMatch(l -> l.length() <= 100), "the header wraps:\n" + numbers);
        assertTrue(plan.contains("\n  -  clone3({flags=CLONE_VM|CLONE_PIDFD|CLONE_PARENT_SETTID"), plan);
        assertTrue(plan.contains("       | arch != aarch64 -> KILL_PROCESS\n"), plan);
        assertTrue(plan.contains("       | not on aarch64, left out: create_module, get_kernel_syms, query_module,"
                + " uselib, _sysctl, iopl, ioperm\n"), plan);
        assertEquals(plan, Launcher.plan(spec(), "arm64"), "os.arch's name for it");
    }

    @Test
    void thisMachinesArchitecturesPlanIsThePlanAfterTheHeader() {
        String arch = System.getProperty("os.arch");
        String plan = Launcher.plan(spec(), arch);
        String header = plan.substring(0, plan.indexOf("  -  "));
        assertEquals(header + Launcher.plan(spec()), plan);
        String other = arch.equals("aarch64") ? "x86_64" : "aarch64";
        assertTrue(Launcher.plan(spec(), other).startsWith("# " + other + " "), other);
    }

    @Test
    void anX8664PlanNamesX8664sNumbers() {
        String plan = Launcher.plan(spec(), "amd64");
        assertTrue(plan.startsWith("# x86_64 (seccomp audit arch 0xc000003e, ELF machine 62);"), plan);
        assertTrue(plan.contains(" mount=165") && plan.contains(" clone3=435") && plan.contains(" openat2=437"), plan);
        assertTrue(plan.contains("       | nr >= 0x40000000 (x32 ABI) -> KILL_PROCESS\n"), plan);
    }

    @Test
    void anUnknownArchitectureIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Launcher.plan(spec(), "riscv64"));
        assertTrue(e.getMessage().startsWith("architecture: ") && e.getMessage().contains("riscv64"), e.getMessage());
    }
}
