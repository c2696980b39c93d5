package dev.panamax.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.sys.Namespace;
import dev.panamax.trampoline.Arch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiler reads nothing of the machine but the {@link Host} and {@link Arch} it is given. */
class PureCompilerTest {

    private static final Host ROOT = new Host(0, 0, Capability.LAST.number());
    private static final Host USER = new Host(1000, 1000, Capability.LAST.number());

    /** A user namespace mapping container root onto uid and gid 1000. */
    private static final ContainerSpec MAPPED = ContainerSpec.builder().command("true")
            .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.USER).uidMap(IdMap.of(0, 1000, 1)).gidMap(IdMap.of(0, 1000, 1)).build();

    private static List<Step> steps(ContainerSpec spec, Host host) {
        return SpecCompiler.plan(spec, host, Arch.X86_64).steps();
    }

    private static long count(List<Step> steps, String syscall) {
        return steps.stream().filter(s -> s.syscall().equals(syscall)).count();
    }

    @Test
    void anUnprivilegedLauncherMappingItsOwnGidCannotCallSetgroups() {
        // setgroups is denied to the child only when an unprivileged caller maps its own gid: whatever uid
        // these tests run as, each host gives its own plan
        assertEquals(0, count(steps(MAPPED, USER), "setgroups"));
        assertTrue(IdentitySteps.setgroupsDenied(MAPPED, USER));
    }

    @Test
    void aRootLauncherDropsTheSupplementaryGroups() {
        List<Step> steps = steps(MAPPED, ROOT);
        assertEquals(1, count(steps, "setgroups"));
        assertEquals("drop the host's supplementary groups",
                steps.stream().filter(s -> s.syscall().equals("setgroups")).findFirst().orElseThrow().what());
        assertFalse(IdentitySteps.setgroupsDenied(MAPPED, ROOT));
    }

    @Test
    void aNewerKernelsCapabilitiesAreDroppedFromTheBoundingSetToo() {
        ContainerSpec spec = ContainerSpec.builder().command("true").build();
        int last = Capability.LAST.number();
        List<String> drops = steps(spec, new Host(0, 0, last + 3)).stream()
                .filter(s -> s.render().startsWith("prctl(PR_CAPBSET_DROP")).map(Step::render).toList();
        long known = steps(spec, ROOT).stream().filter(s -> s.render().startsWith("prctl(PR_CAPBSET_DROP")).count();
        assertEquals(known + 3, drops.size());
        assertTrue(drops.getLast().startsWith("prctl(PR_CAPBSET_DROP, cap " + (last + 3) + ")"), drops.getLast());
    }

    @Test
    void anOlderKernelGetsNoCapabilityItLacksInCapset() {
        ContainerSpec spec = ContainerSpec.builder().command("true")
                .capabilities(java.util.Set.of(Capability.CHOWN, Capability.LAST)).build();
        assertTrue(capset(spec, ROOT).contains("effective=permitted=CHOWN|" + Capability.LAST.name()));
        String older = capset(spec, new Host(0, 0, Capability.LAST.number() - 1));
        assertTrue(older.contains("effective=permitted=CHOWN,"), older);
    }

    private static String capset(ContainerSpec spec, Host host) {
        return steps(spec, host).stream().filter(s -> s.syscall().equals("capset")).findFirst().orElseThrow().render();
    }

    @Test
    void theDefaultPlanIsTheCurrentHostsAndArchitectures() {
        ContainerSpec spec = ContainerSpec.builder().command("true").build();
        assertEquals(SpecCompiler.plan(spec, Host.current(), Arch.current()).render(), SpecCompiler.plan(spec).render());
        assertSame(Host.current(), Host.current());
    }

    @Test
    void x8664AndArm64AreKnownByEitherName() {
        assertSame(Arch.X86_64, Arch.of("amd64"));
        assertSame(Arch.X86_64, Arch.of("x86_64"));
        assertEquals("x86_64", Arch.X86_64.name());
        assertEquals(62, Arch.X86_64.elfMachine());
        assertEquals(0xC000003E, Arch.X86_64.auditArch());
        assertSame(Arch.AARCH64, Arch.of("aarch64"));
        assertSame(Arch.AARCH64, Arch.of("arm64"));
        assertEquals("aarch64", Arch.AARCH64.name());
        assertEquals(183, Arch.AARCH64.elfMachine(), "EM_AARCH64");
        assertEquals(0xC00000B7, Arch.AARCH64.auditArch(), "AUDIT_ARCH_AARCH64");
        assertSame(Arch.AARCH64.syscalls(), dev.panamax.sys.internal.SyscallTable.forOsArch("arm64"));
        var e = assertThrows(UnsupportedOperationException.class, () -> Arch.of("riscv64"));
        assertTrue(e.getMessage().contains("riscv64"), e.getMessage());
    }
}
