package dev.panamax.launch;

import dev.panamax.program.Step;

/** Why an unprivileged user-namespace launch hits EPERM, by step: the causes seen most. */
final class UserNamespaceHints {
    private UserNamespaceHints() {
    }

    static String eperm(Step step) {
        return switch (step.syscall()) {
            case "mount" -> step.what().contains("/proc")
                    ? "in a user namespace the kernel mounts proc only where the host's /proc is fully visible"
                    + " (no path of it masked by another mount)"
                    : "in a user namespace, mounts that would reveal what a locked mount hides are refused";
            case "mknod" -> "device nodes cannot be created in a user namespace; bind-mount the host's nodes";
            case "setgroups" -> "setgroups is denied when an unprivileged caller maps only its own gid";
            default -> "the container's user namespace grants capabilities only over its own namespaces"
                    + " and over files whose owner is mapped";
        };
    }
}
