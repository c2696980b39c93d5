package dev.panamax;

import dev.panamax.program.Step;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hardening and session steps as data: their order in the plan, and the filter shown rule by rule. */
class HardeningPlanTest extends PlanTest {

    private static ContainerSpec.Builder container() {
        return ContainerSpec.builder().rootfs(rootfs).command("true");
    }

    // the kernel's numbers, independent of the code under test (linux/prctl.h, resource.h, seccomp.h)
    private static final long PR_SET_KEEPCAPS = 8;
    private static final long PR_CAPBSET_DROP = 24;
    private static final long PR_SET_NO_NEW_PRIVS = 38;
    private static final long PR_CAP_AMBIENT = 47;
    private static final long PR_CAP_AMBIENT_CLEAR_ALL = 4;
    private static final long RLIMIT_NOFILE = 7;
    private static final long SECCOMP_SET_MODE_FILTER = 1;
    private static final long CAP_CHOWN = 0;
    private static final long CAP_DAC_READ_SEARCH = 2;
    private static final long TIOCSCTTY = 0x540E;

    @Test
    void defaultOrderEndsWithNoNewPrivsThenTheFilterThenExecve() {
        ContainerSpec spec = container().rlimit(Rlimit.NOFILE, 64, 64).oomScoreAdj(100).umask(027).build();
        List<Step> s = steps(spec);
        int[] order = {first(s, "pivot_root"), first(s, "rt_sigprocmask"),
                indexOf(s, "openat", "/proc/self/oom_score_adj"), first(s, "umask", 027),
                first(s, "prlimit64", 0, RLIMIT_NOFILE), first(s, "prctl", PR_CAPBSET_DROP),
                first(s, "prctl", PR_SET_KEEPCAPS, 1), first(s, "capset"),
                first(s, "prctl", PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL), first(s, "prctl", PR_SET_NO_NEW_PRIVS, 1),
                first(s, "seccomp", SECCOMP_SET_MODE_FILTER), first(s, "execve")};
        for (int i = 1; i < order.length; i++) {
            assertTrue(order[i - 1] >= 0 && order[i - 1] < order[i], "step order at " + i + ":\n" + text(s));
        }
        assertEquals(order[order.length - 2] + 1, order[order.length - 1], "execve follows the filter directly");
        assertTrue(s.subList(order[order.length - 1], s.size()).stream().allMatch(t -> t.syscall().equals("execve")),
                "only execve (one per PATH directory) after the filter:\n" + text(s));
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
    void aTerminalBecomesTheControllingTerminalOfANewSession() {
        List<Step> tty = steps(container().terminal(true).build());
        assertTrue(first(tty, "setsid") < first(tty, "ioctl", 0, TIOCSCTTY), text(tty));
        List<Step> noTty = steps(container().build());
        first(noTty, "setsid");
        assertEquals(-1, indexOf(noTty, "ioctl", 0, TIOCSCTTY), text(noTty));
    }

    @Test
    void withoutNoNewPrivsTheFilterLoadsBeforeCapset() {
        List<Step> s = steps(container().noNewPrivileges(false).build());
        assertTrue(first(s, "seccomp", SECCOMP_SET_MODE_FILTER) < first(s, "capset"), text(s));
        assertEquals(-1, indexOf(s, "prctl", PR_SET_NO_NEW_PRIVS), text(s));
    }

    @Test
    void noSeccompMeansNoFilterStep() {
        List<Step> s = steps(container().noSeccomp().build());
        assertEquals(-1, indexOf(s, "seccomp"), text(s));
        first(s, "prctl", PR_SET_NO_NEW_PRIVS, 1);
    }

    @Test
    void keptCapabilitiesAreNotDroppedFromTheBoundingSet() {
        List<Step> s = steps(container().capabilities(Capability.defaultSet()).build());
        assertEquals(-1, indexOf(s, "prctl", PR_CAPBSET_DROP, CAP_CHOWN), text(s));
        assertEquals(first(s, "prctl", PR_CAPBSET_DROP), first(s, "prctl", PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH),
                "the first capability dropped:\n" + text(s));
    }
}
