package dev.panamax.sys;

import java.util.Objects;

/**
 * A Linux call failed: carries the call's name, {@code errno}, its symbolic name and
 * {@code strerror} text, and the arguments (paths, flags) that were involved.
 *
 * <pre>{@code
 * try {
 *     Linux.mount("tmpfs", Path.of("/nonexistent"), "tmpfs", Set.of(MountFlag.NOSUID), null);
 * } catch (ErrnoException e) {
 *     e.getMessage();  // mount("tmpfs", "/nonexistent", "tmpfs", MS_NOSUID): ENOENT (No such file or directory)
 *     e.errnoName();   // "ENOENT"
 * }
 * }</pre>
 */
public class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The call that failed. */
    private final String call;
    /** The errno value. */
    private final int errno;
    /** The arguments of the failed call, formatted for people. */
    private final String detail;
    /** A likely cause and remedy, or null. */
    private final String hint;

    /**
     * An exception with a hint; the message reads {@code call(detail): ENAME (description); hint}.
     *
     * @param call   the failed call, e.g. {@code "mount"}
     * @param errno  the positive errno value
     * @param detail the arguments as the user would recognise them (may be empty, not null)
     * @param hint   a likely cause and remedy, or null
     */
    public ErrnoException(String call, int errno, String detail, String hint) {
        super(format(call, errno, detail, hint));
        this.call = call;
        this.errno = errno;
        this.detail = detail;
        this.hint = hint;
    }

    /**
     * An exception without a hint.
     *
     * @param call   the failed call, e.g. {@code "mount"}
     * @param errno  the positive errno value
     * @param detail the arguments as the user would recognise them (may be empty, not null)
     */
    public ErrnoException(String call, int errno, String detail) {
        this(call, errno, detail, null);
    }

    private static String format(String call, int errno, String detail, String hint) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(detail, "detail");
        String text = call + "(" + detail + "): " + Errno.name(errno) + " (" + Errno.describe(errno) + ")";
        return hint == null ? text : text + "; " + hint;
    }

    /** {@return the call that failed, e.g. {@code "mount"}} */
    public String call() {
        return call;
    }

    /** {@return the errno value, e.g. 2} */
    public int errno() {
        return errno;
    }

    /** {@return the symbolic errno name, e.g. {@code "ENOENT"}} */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** {@return the C library's description of the errno value, e.g. {@code "No such file or directory"}} */
    public String description() {
        return Errno.describe(errno);
    }

    /** {@return the arguments of the failed call, formatted for people} */
    public String detail() {
        return detail;
    }

    /** {@return a likely cause and remedy, or null when none is known} */
    public String hint() {
        return hint;
    }
}
