package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.cgroup.Resources;

import java.util.ArrayList;
import java.util.List;

import static dev.panamax.program.Hint.Cause.*;

/**
 * The words of every {@link Hint}, kept together so that they read as one voice; the steps that can fail
 * attach them where they are emitted.
 */
public final class Hints {
    private Hints() {
    }

    /** Hints that hold whichever step fails: a memory cgroup at its limit, EPERM without root. */
    static List<Hint> everyStep(ContainerSpec spec, Host host) {
        boolean rootless = !host.root();
        List<Hint> out = new ArrayList<>();
        spec.resources().flatMap(Resources::memoryMax).ifPresent(max -> out.add(MEMORY_LIMIT.hint(
                "the container's memory limit (memoryMax " + max + ") is too small for its setup: the kernel"
                        + " refused memory charged to the container's cgroup")));
        if (rootless && spec.users().present()) {
            out.add(USER_NAMESPACE_CAPABILITIES.hint("the container's user namespace grants capabilities only"
                    + " over its own namespaces and over files whose owner is mapped"));
        } else if (rootless) {
            out.add(NOT_ROOT.hint("this needs root or a user namespace; the JVM runs as uid " + host.euid()
                    + ": add mapCurrentUserToRoot() to the spec's builder to map that uid to root in a new one"));
        }
        return List.copyOf(out);
    }

    static List<Hint> execve(ContainerSpec spec, List<String> candidates, boolean last) {
        List<Hint> out = new ArrayList<>(4);
        if (last) {
            out.add(EXECUTABLE_MISSING.hint(spec.rootfs().isPresent()
                    ? "no such executable in the container's rootfs: {}"
                    : "no such executable in the container's filesystem: {}", Arg.joined(candidates)));
            out.add(NOT_EXECUTABLE_HINT);
        }
        if (spec.hardening().seccomp().isPresent()) {
            out.add(SECCOMP_EXECVE_HINT);
        }
        out.add(PROCESS_LIMIT_HINT);
        return out;
    }

    private static final Hint NOT_EXECUTABLE_HINT = NOT_EXECUTABLE.hint("the file is not executable, or lies on a"
            + " noexec mount");
    private static final Hint SECCOMP_EXECVE_HINT = EXECVE_DENIED_BY_SECCOMP.hint("the seccomp profile may deny"
            + " execve (Launcher.plan shows its rules)");
    private static final Hint PROCESS_LIMIT_HINT = PROCESS_LIMIT.hint("RLIMIT_NPROC is exceeded for the process's"
            + " user");

    static Hint workingDirectory(String dir) {
        return WORKING_DIRECTORY_MISSING.hint("the working directory does not exist in the container: {}", dir);
    }

    static Hint mountPoint(String path) {
        return MOUNT_POINT_ON_READ_ONLY_ROOTFS.hint("the rootfs is read-only and has no {} to mount on: create it"
                + " in the rootfs, or mount a writable rootfs", path);
    }

    static Hint maskedPathChanged(String path) {
        return MASKED_PATH_CHANGED.hint("{} is not of the type this kernel's own shows (a directory, or a file), so its"
                + " mask was planned for another type; the launch never runs with it unmasked: check what is"
                + " mounted over it, or whether the container's kernel filesystem differs from the host's", path);
    }

    static Hint mountTargetIsLink(String target) {
        return MOUNT_TARGET_IS_SYMLINK.hint("{} is a symbolic link in the rootfs; a mount never lands on a link (it"
                + " could lead out of the rootfs): mount onto the directory it points to, or make {} a directory",
                target);
    }

    static Hint noSuchSysctl(String key) {
        return NO_SUCH_SYSCTL.hint("this kernel has no sysctl {} (or it is not below /proc/sys of the container's"
                + " namespaces)", key);
    }

    static Hint sysctlValue(String key) {
        return SYSCTL_VALUE_REFUSED.hint("the kernel refused the value of sysctl {}: check its format and range",
                key);
    }

    static Hint appArmorProfile(String name) {
        return APPARMOR_PROFILE_REFUSED.hint("AppArmor refused profile {}: AppArmor is not enabled on this host"
                + " (/sys/module/apparmor/parameters/enabled), or the profile is not loaded (apparmor_parser -r)",
                name);
    }

    static final Hint CAPSET = CAPABILITIES_NOT_HELD.hint("capset may only keep capabilities the launcher holds"
            + " and the bounding set still has; a uid change before it needs PR_SET_KEEPCAPS");

    static final Hint BOUNDING_SET = BOUNDING_SET_NEEDS_SETPCAP.hint("dropping from the bounding set needs"
            + " CAP_SETPCAP (root, or root of a user namespace)");

    static final Hint AMBIENT = AMBIENT_NOT_PERMITTED.hint("an ambient capability must be permitted and"
            + " inheritable, and not blocked by securebits");

    static final List<Hint> SECCOMP = List.of(
            SECCOMP_NEEDS_NO_NEW_PRIVS.hint("loading a filter needs no_new_privs or CAP_SYS_ADMIN; keep"
                    + " noNewPrivileges(true)"),
            SECCOMP_FILTER_REJECTED.hint("the kernel rejected the filter; Launcher.plan shows its rules"));

    static final List<Hint> RLIMIT = List.of(
            RLIMIT_RAISE_NEEDS_CAPABILITY.hint("raising a hard limit needs CAP_SYS_RESOURCE; RLIMIT_NOFILE cannot"
                    + " exceed /proc/sys/fs/nr_open"),
            RLIMIT_SOFT_ABOVE_HARD.hint("the soft limit is above the hard limit"));

    static final Hint OOM_SCORE_PROC = OOM_SCORE_NEEDS_PROC.hint("the container has no /proc mounted; oomScoreAdj"
            + " needs mountProc (a pid and mount namespace)");

    static final Hint OOM_SCORE_CAPABILITY = OOM_SCORE_NEEDS_CAPABILITY.hint("lowering oom_score_adj needs"
            + " CAP_SYS_RESOURCE");

    /** For a mount step of a rootless container in a user namespace (none otherwise). */
    static List<Hint> lockedMount(Emit e) {
        return e.rootlessUserNamespace() ? List.of(LOCKED_MOUNT.hint("in a user namespace, mounts that would"
                + " reveal what a locked mount hides are refused")) : List.of();
    }

    /** For the fsmount of a proc filesystem of a rootless container in a user namespace (none otherwise). */
    static List<Hint> procMount(Emit e) {
        return e.rootlessUserNamespace() ? List.of(PROC_TOO_REVEALING.hint("in a user namespace the kernel mounts"
                + " proc only where the host's /proc is fully visible (no path of it masked by another mount)"))
                : List.of();
    }

    /** For the launcher's clone3: the kernel refused the namespaces ({@link CloneHints} has the rest). */
    public static Hint namespacesRefused(ContainerSpec spec) {
        return NAMESPACES_REFUSED.hint("the kernel refused this set of namespaces: " + spec.namespaces());
    }
}
