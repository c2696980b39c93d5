package dev.panamax;

import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hardening steps as data: their order in the plan, and the filter shown rule by rule. */
class HardeningPlanTest extends PlanTest {

    private static ContainerSpec.Builder container() {
        return ContainerSpec.builder().rootfs(rootfs).command("true");
    }

    /** The plan's step lines (not the filter's detail lines), each the text after the step number. */
    private static List<String> steps(ContainerSpec spec) {
        return Launcher.plan(spec).lines().filter(l -> !l.startsWith("       |")).map(String::strip).toList();
    }

    private static int first(List<String> lines, String needle) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i;
            }
        }
        throw new AssertionError("no step with " + needle + " in\n" + String.join("\n", lines));
    }

    @Test
    void defaultOrderEndsWithNoNewPrivsThenTheFilterThenExecve() {
        ContainerSpec spec = container().rlimit(Rlimit.NOFILE, 64, 64).oomScoreAdj(100).umask(027).build();
        List<String> s = steps(spec);
        int[] order = {first(s, "pivot_root"), first(s, "rt_sigprocmask"), first(s, "oom_score_adj"),
                first(s, "umask(027)"), first(s, "prlimit64(0 (self), RLIMIT_NOFILE"), first(s, "PR_CAPBSET_DROP"),
                first(s, "PR_SET_KEEPCAPS"), first(s, "capset("), first(s, "PR_CAP_AMBIENT_CLEAR_ALL"),
                first(s, "PR_SET_NO_NEW_PRIVS"), first(s, "seccomp(SECCOMP_SET_MODE_FILTER"), first(s, "execve(")};
        for (int i = 1; i < order.length; i++) {
            assertTrue(order[i - 1] < order[i], "step order at " + i + ":\n" + String.join("\n", s));
        }
        assertEquals(order[order.length - 2] + 1, order[order.length - 1], "execve follows the filter directly");
    }

    @Test
    void thePlanShowsTheFilterRulePerSyscall() {
        String plan = Launcher.plan(container().build());
        assertTrue(plan.contains("       | mount -> ERRNO(EPERM)"), plan);
        assertTrue(plan.contains("       | clone if (arg0 & 0x10000000) == 0x10000000 -> ERRNO(EPERM)"), plan);
        assertTrue(plan.contains("       | default -> ALLOW"), plan);
        assertTrue(plan.contains("effective=permitted=CHOWN|DAC_OVERRIDE|FOWNER|FSETID|KILL|SETGID|SETUID|SETPCAP|"
                + "NET_BIND_SERVICE|NET_RAW|SYS_CHROOT|AUDIT_WRITE|SETFCAP, inheritable=none"), plan);
    }

    @Test
    void anAllowListGetsTheLauncherCallsItLacks() {
        SeccompProfile allowList = SeccompProfile.empty(SeccompAction.ENOSYS).toBuilder()
                .allow("read").rule("write", SeccompAction.EPERM).build();
        String plan = Launcher.plan(container().seccomp(allowList).build());
        assertTrue(plan.contains("(allowed for the launcher itself: execve, exit_group)"), plan);
        assertTrue(plan.contains("| execve -> ALLOW"), plan);
        assertTrue(plan.contains("| write -> ERRNO(EPERM)"), plan);   // the user's own rule stands
        assertTrue(plan.contains("| default -> ERRNO(ENOSYS)"), plan);
    }

    @Test
    void withoutNoNewPrivsTheFilterLoadsBeforeCapset() {
        List<String> s = steps(container().noNewPrivileges(false).build());
        assertTrue(first(s, "seccomp(") < first(s, "capset("), String.join("\n", s));
        assertFalse(String.join("\n", s).contains("PR_SET_NO_NEW_PRIVS"));
    }

    @Test
    void noSeccompMeansNoFilterStep() {
        String plan = Launcher.plan(container().noSeccomp().build());
        assertFalse(plan.contains("seccomp("), plan);
        assertTrue(plan.contains("PR_SET_NO_NEW_PRIVS"), plan);
    }

    @Test
    void keptCapabilitiesAreNotDroppedFromTheBoundingSet() {
        String plan = Launcher.plan(container().capabilities(Capability.defaultSet()).build());
        assertFalse(plan.contains("PR_CAPBSET_DROP, CAP_CHOWN)"), plan);
        assertTrue(plan.contains("PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH)"), plan);  // the first dropped
    }
}
