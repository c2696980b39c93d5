package dev.panamax.program;

import dev.panamax.sys.Errno;

import java.util.List;
import java.util.Objects;

/**
 * What a user can do about a step that failed with one of its {@link Cause#errnos()}: attached to the step
 * where it is emitted ({@link Step#hinting}), so that the hint and the call it explains cannot drift apart.
 * The failure report prints the hint of the failed step for the errno it got.
 *
 * @param cause  the cause, one of a closed list (a test reaches every one by failure injection)
 * @param words  the hint, in words, with {@code {}} where {@code detail} goes
 * @param detail a spec value the words name (a path, a limit), or null; never an environment value. Kept
 *               apart so that a launch that does not fail builds no hint text
 */
public record Hint(Cause cause, String words, String detail) {

    public Hint {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(words, "words");
    }

    /** The hint as the failure report prints it. */
    public String text() {
        return detail == null ? words : words.replace("{}", detail);
    }

    /** Every cause of failure the launcher explains, with the errnos that mean it. */
    public enum Cause {
        /** execve of the last candidate: no file by that name. */
        EXECUTABLE_MISSING("ENOENT"),
        /** execve: no execute permission, or a noexec mount. */
        NOT_EXECUTABLE("EACCES"),
        /** execve under a seccomp profile that may deny it. */
        EXECVE_DENIED_BY_SECCOMP("EPERM", "ENOSYS"),
        /** execve: RLIMIT_NPROC reached for the user. */
        PROCESS_LIMIT("EAGAIN"),
        /** chdir into the spec's working directory. */
        WORKING_DIRECTORY_MISSING("ENOENT"),
        /** mkdirat of a missing mount point on a read-only rootfs. */
        MOUNT_POINT_ON_READ_ONLY_ROOTFS("EROFS"),
        /** a masked path of another type than its kernel showed when the launch was compiled. */
        MASKED_PATH_CHANGED("ENOTDIR", "EINVAL"),
        /** openat2 of a mount target that is a symbolic link. */
        MOUNT_TARGET_IS_SYMLINK("ELOOP"),
        /**
         * any step of a container whose memory cgroup is at its limit (ENFILE: no file structure; E2BIG:
         * execve could not charge the pages for the arguments).
         */
        MEMORY_LIMIT("ENOMEM", "ENFILE", "E2BIG"),
        /** capset of capabilities the process no longer has. */
        CAPABILITIES_NOT_HELD("EPERM"),
        /** prctl(PR_CAPBSET_DROP) without CAP_SETPCAP. */
        BOUNDING_SET_NEEDS_SETPCAP("EPERM"),
        /** prctl(PR_CAP_AMBIENT_RAISE) of a capability not permitted and inheritable. */
        AMBIENT_NOT_PERMITTED("EPERM"),
        /** seccomp without no_new_privs or CAP_SYS_ADMIN. */
        SECCOMP_NEEDS_NO_NEW_PRIVS("EACCES"),
        /** seccomp: the kernel rejected the filter. */
        SECCOMP_FILTER_REJECTED("EINVAL"),
        /** prlimit64 raising a hard limit. */
        RLIMIT_RAISE_NEEDS_CAPABILITY("EPERM"),
        /** prlimit64 with the soft limit above the hard one. */
        RLIMIT_SOFT_ABOVE_HARD("EINVAL"),
        /** opening /proc/self/oom_score_adj without a /proc. */
        OOM_SCORE_NEEDS_PROC("ENOENT"),
        /** writing a lower oom_score_adj without CAP_SYS_RESOURCE. */
        OOM_SCORE_NEEDS_CAPABILITY("EACCES"),
        /** fsmount of proc in a user namespace where the host's /proc is not fully visible. */
        PROC_TOO_REVEALING("EPERM"),
        /** a mount step in a user namespace that would reveal what a locked mount hides. */
        LOCKED_MOUNT("EPERM"),
        /** any other step of a rootless container with a user namespace. */
        USER_NAMESPACE_CAPABILITIES("EPERM"),
        /** any step of a launch by a non-root JVM without a user namespace. */
        NOT_ROOT("EPERM"),
        /** setns of a joined namespace file that is no namespace of that type. */
        NOT_A_NAMESPACE("EINVAL"),
        /** clone3 (in the launcher): the kernel refused the set of namespaces. */
        NAMESPACES_REFUSED("EINVAL"),
        /** clone3: a user.max_*_namespaces limit is 0 or reached. */
        NAMESPACE_LIMIT("ENOSPC"),
        /** clone3 of a user namespace by a non-root JVM: a distribution's sysctl refuses it. */
        USER_NAMESPACES_RESTRICTED("EPERM"),
        /** clone3 or clone of a JVM under a seccomp filter that denies namespaces (Docker's default profile). */
        CLONE_DENIED_BY_SECCOMP("EPERM"),
        /** opening a sysctl's file below the container's /proc: this kernel has no such sysctl. */
        NO_SUCH_SYSCTL("ENOENT"),
        /** writing a sysctl: the kernel refused the value. */
        SYSCTL_VALUE_REFUSED("EINVAL", "ERANGE"),
        /** writing {@code exec PROFILE} to the AppArmor exec attribute: AppArmor is off, or no such profile. */
        APPARMOR_PROFILE_REFUSED("EINVAL", "ENOENT");

        private final List<String> errnos;

        Cause(String... errnos) {
            this.errnos = List.of(errnos);
        }

        /** The errno names this cause explains. */
        public List<String> errnos() {
            return errnos;
        }

        /** A hint for this cause, in words. */
        public Hint hint(String words) {
            return new Hint(this, words, null);
        }

        /** A hint for this cause whose words name {@code detail} at each {@code {}}. */
        public Hint hint(String words, String detail) {
            return new Hint(this, words, detail);
        }
    }

    /** Whether this hint explains {@code errno}. */
    public boolean explains(int errno) {
        return errno != 0 && cause.errnos.stream().anyMatch(name -> Errno.number(name) == errno);
    }

    /** The hint among {@code hints} that explains {@code errno}: the first, so a step's own come first. */
    public static java.util.Optional<Hint> forErrno(List<Hint> hints, int errno) {
        return hints.stream().filter(h -> h.explains(errno)).findFirst();
    }
}
