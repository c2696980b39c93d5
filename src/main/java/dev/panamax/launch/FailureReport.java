package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.program.Arg;
import dev.panamax.program.ProgramImage;
import dev.panamax.program.SpecCompiler;
import dev.panamax.program.Step;
import dev.panamax.sys.Errno;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

/**
 * Turns a failed step (or a failed parent-side call) into the one message a user reads: which step, which
 * system call, which errno, and a hint when the cause is a common one.
 */
final class FailureReport {
    private FailureReport() {
    }

    static LaunchException childStep(ContainerSpec spec, ProgramImage.StepFailure failure) {
        if (failure.step() == null) {
            return new LaunchException(capped(prefix(spec) + "the child program ended without a successful execve"),
                    "execute", "execve", 0, "", null);
        }
        Step step = failure.step();
        String what;
        String errnoName;
        if (failure.errno() == 0) {
            errnoName = "";
            what = step.syscall().equals("read")
                    ? "the launching JVM went away before releasing the container"
                    : "returned " + failure.result() + ", expected " + step.expect().orElse(0);
        } else {
            errnoName = Errno.name(failure.errno());
            what = "failed with " + errnoName + " (" + Errno.describe(failure.errno()) + ")";
        }
        String message = prefix(spec) + "step " + failure.index() + " \"" + step.what() + "\": " + step.render()
                + " " + what + hint(spec, step, failure.errno());
        return new LaunchException(capped(message), step.what(), step.syscall(), failure.errno(), errnoName, null);
    }

    static LaunchException parentCall(ContainerSpec spec, String what, String syscall, int errno, Throwable cause) {
        String errnoName = errno == 0 ? "" : Errno.name(errno);
        String detail = errno == 0 ? cause.getMessage() : errnoName + " (" + Errno.describe(errno) + ")";
        return new LaunchException(capped(prefix(spec) + what + ": " + syscall + " failed with " + detail
                + hint(spec, Step.of(what, syscall), errno)), what, syscall, errno, errnoName, cause);
    }

    /** A refusal found on the parent side without an errno (a helper's exit status, an allotment check). */
    static LaunchException refused(ContainerSpec spec, String what, String call, String detail) {
        return refused(spec, what, call, detail, null);
    }

    /** A refusal without an errno of its own (a cgroup file the kernel refused, a helper that failed). */
    static LaunchException refused(ContainerSpec spec, String what, String call, String detail, Throwable cause) {
        return new LaunchException(capped(prefix(spec) + what + ": " + detail), what, call, 0, "", cause);
    }

    private static boolean is(int errno, String name) {
        return errno != 0 && Errno.name(errno).equals(name);
    }

    private static String prefix(ContainerSpec spec) {
        return "Cannot launch " + Arg.summary(spec.process().argv())
                + spec.rootfs().map(r -> " in " + r).orElse("") + ": ";
    }

    /** The longest message a launch failure gets: logs take it whole, whatever the spec held. */
    static final int MAX_MESSAGE = 4096;

    /**
     * {@code message} cut to {@link #MAX_MESSAGE} characters with a count of the rest. Environment values are
     * never in it (plans and steps render them redacted), long arguments are already cut; this bounds the
     * rest (a long PATH's candidates, many mounts).
     */
    static String capped(String message) {
        if (message.length() <= MAX_MESSAGE) {
            return message;
        }
        String tail = "... (" + (message.length() - (MAX_MESSAGE - 40)) + " more characters)";
        return message.substring(0, MAX_MESSAGE - 40) + tail;
    }

    private static String hint(ContainerSpec spec, Step step, int errno) {
        String hint = null;
        if (is(errno, "EPERM") && Libc.geteuid() != 0 && spec.users().present()) {
            hint = UserNamespaceHints.eperm(step);
        } else if (is(errno, "EPERM") && Libc.geteuid() != 0) {
            hint = "this needs root or a user namespace; the JVM runs as uid " + Libc.geteuid();
        } else if (step.syscall().equals("execve") && is(errno, "ENOENT")) {
            hint = "no such executable in the container's " + (spec.rootfs().isPresent() ? "rootfs" : "filesystem")
                    + ": " + Arg.joined(SpecCompiler.candidates(spec.process()));
        } else if (step.syscall().equals("execve") && is(errno, "EACCES")) {
            hint = "the file is not executable, or lies on a noexec mount";
        } else if (step.syscall().equals("chdir") && is(errno, "ENOENT")
                && step.what().equals("enter the working directory")) {
            hint = "the working directory does not exist in the container: " + spec.process().workingDirectory();
        } else if (step.syscall().equals("mount") && is(errno, "ENOENT") && step.what().contains("/proc")) {
            hint = "the rootfs has no /proc directory to mount on";
        } else if ((is(errno, "ENOMEM") || is(errno, "ENFILE"))
                && spec.resources().flatMap(dev.panamax.cgroup.Resources::memoryMax).isPresent()) {
            // ENFILE: the kernel could not allocate a file structure, which a memory cgroup at its limit refuses
            hint = "the container's memory limit (memoryMax " + spec.resources().get().memoryMax().get()
                    + ") is too small for its setup: the kernel refused memory charged to the container's cgroup";
        } else if (is(errno, "ELOOP") && step.what().startsWith("open the mount target ")) {
            String target = step.what().substring("open the mount target ".length()).replace(" (never a symlink)", "");
            hint = target + " is a symbolic link in the rootfs; a mount never lands on a link (it could lead out of"
                    + " the rootfs): mount onto the directory it points to, or make " + target + " a directory";
        } else if (step.syscall().equals("clone3") && is(errno, "EINVAL")) {
            hint = "the kernel refused this set of namespaces: " + spec.namespaces();
        } else {
            hint = HardeningHints.hint(spec, step, errno);
        }
        return hint == null ? "" : ". Hint: " + hint;
    }
}
