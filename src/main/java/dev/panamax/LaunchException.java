package dev.panamax;

/**
 * A container that could not be started. Nothing of it is left: the child was killed and reaped and
 * everything created for it was undone before this was thrown.
 *
 * <p>The message names the failing step in words, the system call, errno and a hint where the cause is
 * common, e.g. {@code Cannot launch [/bin/bash] in /srv/rootfs: step 14 "execute /bin/bash":
 * execve("/bin/bash", ...) failed with ENOENT (No such file or directory). Hint: no such executable in the
 * container's rootfs: /bin/bash}.
 *
 * <pre>{@code
 * try (Container c = Launcher.launch(spec)) { ... }
 * catch (LaunchException e) {
 *     log.error(e.getMessage());         // the whole story in one line
 *     e.syscall(); e.errnoName();        // "execve", "ENOENT"
 * }
 * }</pre>
 */
public final class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The failing step in words. */
    private final String step;
    /** The failing system call. */
    private final String syscall;
    /** The error number, or 0. */
    private final int errno;
    /** The symbolic errno. */
    private final String errnoName;

    /**
     * An exception for a failed step of a launch.
     *
     * @param message   the whole story in one line (see above)
     * @param step      the failing step in words
     * @param syscall   the failing system call
     * @param errno     the error number, or 0 for an unexpected result
     * @param errnoName the symbolic errno, e.g. {@code ENOENT}
     * @param cause     the underlying exception, or null
     */
    public LaunchException(String message, String step, String syscall, int errno, String errnoName, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.syscall = syscall;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** {@return the failing step in words, e.g. "pivot_root into the rootfs"} */
    public String step() {
        return step;
    }

    /** {@return the failing system call, e.g. "pivot_root"} */
    public String syscall() {
        return syscall;
    }

    /** {@return the error number, or 0 when the step returned an unexpected value} */
    public int errno() {
        return errno;
    }

    /** {@return the symbolic errno, e.g. "EPERM"} */
    public String errnoName() {
        return errnoName;
    }
}
