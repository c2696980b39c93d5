package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.program.Step;
import dev.panamax.sys.Errno;

/** Hints for the common failures of the hardening steps, for {@link FailureReport}. */
final class HardeningHints {
    private HardeningHints() {
    }

    /** A hint for {@code step} failing with {@code errno}, or null. */
    static String hint(ContainerSpec spec, Step step, int errno) {
        String e = errno == 0 ? "" : Errno.name(errno);
        String what = step.what();
        return switch (step.syscall()) {
            case "capset" -> e.equals("EPERM") ? "capset may only keep capabilities the launcher holds and the"
                    + " bounding set still has; a uid change before it needs PR_SET_KEEPCAPS" : null;
            case "prctl" -> what.contains("bounding set") && e.equals("EPERM")
                    ? "dropping from the bounding set needs CAP_SETPCAP (root, or root of a user namespace)"
                    : what.contains("ambient") && e.equals("EPERM")
                    ? "an ambient capability must be permitted and inheritable, and not blocked by securebits"
                    : null;
            case "seccomp" -> switch (e) {
                case "EACCES" -> "loading a filter needs no_new_privs or CAP_SYS_ADMIN; keep noNewPrivileges(true)";
                case "EINVAL" -> "the kernel rejected the filter; Launcher.plan shows its rules";
                default -> null;
            };
            case "prlimit64" -> switch (e) {
                case "EPERM" -> "raising a hard limit needs CAP_SYS_RESOURCE; RLIMIT_NOFILE cannot exceed"
                        + " /proc/sys/fs/nr_open";
                case "EINVAL" -> "the soft limit is above the hard limit";
                default -> null;
            };
            case "openat" -> what.contains("oom_score_adj") && e.equals("ENOENT")
                    ? "the container has no /proc mounted; oomScoreAdj needs mountProc (a pid and mount namespace)"
                    : null;
            case "write" -> what.contains("oom_score_adj") && e.equals("EACCES")
                    ? "lowering oom_score_adj needs CAP_SYS_RESOURCE" : null;
            case "execve" -> spec.hardening().seccomp().isPresent() && (e.equals("EPERM") || e.equals("ENOSYS"))
                    ? "the seccomp profile may deny execve (Launcher.plan shows its rules)"
                    : e.equals("EAGAIN") ? "RLIMIT_NPROC is exceeded for the process's user" : null;
            default -> null;
        };
    }
}
