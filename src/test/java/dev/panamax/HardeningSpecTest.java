package dev.panamax;

import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hardening part of ContainerSpec: defaults, and every rule of build() naming its field. */
class HardeningSpecTest extends PlanTest {

    private static ContainerSpec.Builder container() {
        return ContainerSpec.builder().rootfs(rootfs).command("true");
    }

    private static void rejects(ContainerSpec.Builder b, String field, String... phrases) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, b::build);
        assertEquals(field, e.field(), e.getMessage());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), e.getMessage());
        }
    }

    @Test
    void defaults() {
        Hardening h = container().build().hardening();
        Set<Capability> withoutMknod = java.util.EnumSet.copyOf(Capability.defaultSet());
        withoutMknod.remove(Capability.MKNOD);
        assertEquals(withoutMknod, h.capabilities(), "no cgroup, so no device policy: CAP_MKNOD leaves the set");
        assertTrue(container().addCapability(Capability.MKNOD).build().hardening().capabilities()
                .contains(Capability.MKNOD), "unless the spec names it");
        assertEquals(Set.of(), h.ambientCapabilities());
        assertTrue(h.noNewPrivileges());
        assertEquals(SeccompProfile.defaultProfile().rules(), h.seccomp().orElseThrow().rules());
        assertEquals(Map.of(), h.rlimits());
        assertTrue(h.oomScoreAdj().isEmpty() && h.umask().isEmpty());
        assertEquals(Capability.defaultSet(), Hardening.defaults().capabilities());
    }

    @Test
    void editsApplyInOrder() {
        Hardening h = container().capabilities(Set.of(Capability.KILL)).addCapability("net_admin")
                .dropCapability(Capability.KILL).rlimit(Rlimit.CORE, 0, 0).noSeccomp().build().hardening();
        assertEquals(EnumSet.of(Capability.NET_ADMIN), h.capabilities());
        assertEquals(new Rlimit.Value(0, 0), h.rlimits().get(Rlimit.CORE));
        assertFalse(h.seccomp().isPresent());
        assertThrows(UnsupportedOperationException.class, () -> h.capabilities().add(Capability.SYS_ADMIN));
    }

    @Test
    void unknownCapabilityNames() {
        rejects(container().capabilities("CAP_CHOWN", "CAP_NET_ADMN"), "capabilities", "did you mean CAP_NET_ADMIN");
        rejects(container().addCapability("sys_admn"), "capabilities", "unknown capability 'sys_admn'");
        rejects(container().dropCapability("bogus"), "capabilities", "unknown capability 'bogus'");
    }

    @Test
    void ambientMustBeKept() {
        rejects(container().ambientCapabilities(Capability.SYS_ADMIN), "ambientCapabilities", "CAP_SYS_ADMIN");
    }

    @Test
    void conflictingSeccompRules() {
        rejects(container().seccomp(SeccompProfile.defaultProfile().toBuilder().rule("mount", SeccompAction.ALLOW)),
                "seccomp", "conflict", "mount");
    }

    @Test
    void aSeccompRuleForASyscallThisArchitectureLacks() {
        // socketcall exists on i386, not on x86-64
        rejects(container().seccomp(SeccompProfile.empty(SeccompAction.ALLOW).toBuilder()
                .rule("socketcall", SeccompAction.EPERM)), "seccomp", "'socketcall' does not exist");
    }

    @Test
    void rlimitSoftAboveHard() {
        rejects(container().rlimit(Rlimit.NOFILE, 2048, 1024), "rlimit[NOFILE]", "soft limit 2048 is above the hard limit 1024");
        rejects(container().rlimit(Rlimit.CORE, Rlimit.UNLIMITED, 0), "rlimit[CORE]", "unlimited is above");
        rejects(container().rlimit(Rlimit.AS, -5, 10), "rlimit[AS]", "non-negative");
        container().rlimit(Rlimit.AS, 10, Rlimit.UNLIMITED).build();
    }

    @Test
    void oomScoreAdjAndUmaskRanges() {
        rejects(container().oomScoreAdj(1001), "oomScoreAdj", "-1000..1000");
        rejects(container().oomScoreAdj(-1001), "oomScoreAdj", "-1000..1000");
        rejects(container().umask(01000), "umask", "0..0777");
        rejects(container().umask(-1), "umask");
        container().oomScoreAdj(-1000).umask(0777).build();
    }
}
