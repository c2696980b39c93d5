package dev.panamax.program;

import dev.panamax.Hardening;

/**
 * The hardening of the process, split around the place where its identity changes (setgroups, setresgid,
 * setresuid of a user namespace or a non-root user; see {@link SpecCompiler}).
 *
 * <p>Order, and why: limits first (raising a hard limit and lowering oom_score_adj need CAP_SYS_RESOURCE);
 * the bounding set while CAP_SETPCAP is still held; PR_SET_KEEPCAPS so a uid change keeps the permitted set;
 * [identity change]; capset (which also restores the effective set a uid change clears); ambient;
 * no_new_privs; the seccomp filter last, so it never sees the launcher's mounts and prctls, and only execve
 * (plus write and exit_group to report a failed exec) runs under it. All of it comes after the signal reset:
 * the filter need not allow rt_sigaction and rt_sigprocmask.
 */
final class HardeningSteps {
    private HardeningSteps() {
    }

    static void beforeIdentity(Emit e) {
        LimitSteps.emit(e);
        CapabilitySteps.dropBoundingSet(e);
        CapabilitySteps.keepAcrossIdentityChange(e);
        AppArmorSteps.emit(e); // as root, before no_new_privs and seccomp (as runc orders it)
    }

    static void afterIdentity(Emit e) {
        Hardening h = e.spec().hardening();
        // Without no_new_privs the kernel loads a filter only for CAP_SYS_ADMIN, which capset may drop:
        // then load it first (as runc does), and let the launcher's capset and prctl through.
        boolean early = h.seccomp().isPresent() && !h.noNewPrivileges();
        if (early) {
            SeccompSteps.load(e, h.seccomp().get(), SeccompSteps.AFTER_EARLY);
        }
        CapabilitySteps.setSets(e);
        CapabilitySteps.ambient(e);
        if (h.noNewPrivileges()) {
            SeccompSteps.noNewPrivs(e);
        }
        if (!early) {
            h.seccomp().ifPresent(p -> SeccompSteps.load(e, p, SeccompSteps.AFTER_LAST));
        }
    }
}
