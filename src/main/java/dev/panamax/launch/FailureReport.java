package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.program.Arg;
import dev.panamax.program.Hint;
import dev.panamax.program.ProgramImage;
import dev.panamax.program.SpecCompiler;
import dev.panamax.program.Step;
import dev.panamax.sys.Errno;

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
        String head = prefix(spec) + "step " + failure.index() + " \"";
        String tail = "\": " + step.render() + " " + what + hint(spec, step.hints(), failure.errno());
        return new LaunchException(capped(head + cut(step.what(), MAX_MESSAGE - head.length() - tail.length())
                + tail), step.what(), step.syscall(), failure.errno(), errnoName, null);
    }

    /**
     * A call the launcher made on the container's behalf failed; {@code hints} are the call's own, tried before
     * those that hold for every step (a memory limit, EPERM without root).
     */
    static LaunchException parentCall(ContainerSpec spec, String what, String syscall, int errno, Throwable cause,
                                      Hint... hints) {
        String errnoName = errno == 0 ? "" : Errno.name(errno);
        String detail = errno == 0 ? cause.getMessage() : errnoName + " (" + Errno.describe(errno) + ")";
        return new LaunchException(capped(prefix(spec) + what + ": " + syscall + " failed with " + detail
                + hint(spec, java.util.List.of(hints), errno)), what, syscall, errno, errnoName, cause);
    }

    /** A refusal found on the parent side without an errno (a helper's exit status, an allotment check). */
    static LaunchException refused(ContainerSpec spec, String what, String call, String detail) {
        return refused(spec, what, call, detail, null);
    }

    /** A refusal without an errno of its own (a cgroup file the kernel refused, a helper that failed). */
    static LaunchException refused(ContainerSpec spec, String what, String call, String detail, Throwable cause) {
        return new LaunchException(capped(prefix(spec) + what + ": " + detail), what, call, 0, "", cause);
    }

    /** This JVM denies Panamax native access: {@code denied}'s sentence names the flag to add. */
    static LaunchException nativeAccessDenied(ContainerSpec spec, IllegalCallerException denied) {
        return new LaunchException(capped(prefix(spec) + denied.getMessage()), "check native access", "", 0, "",
                denied);
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

    /**
     * {@code what} cut to {@code room} characters with a count of the rest, so that the errno and the hint after
     * a long step description (the layers of a {@code mount(2)} overlay) stay in a {@link #capped} message.
     */
    private static String cut(String what, int room) {
        int keep = room - 40;
        return what.length() <= room || keep < 80 ? what
                : what.substring(0, keep) + "... (" + (what.length() - keep) + " more characters)";
    }

    /** ". Hint: ..." for the hint {@link SpecCompiler#hintFor} finds, or nothing. */
    private static String hint(ContainerSpec spec, java.util.List<Hint> own, int errno) {
        return SpecCompiler.hintFor(spec, own, errno).map(h -> ". Hint: " + h.text()).orElse("");
    }
}
