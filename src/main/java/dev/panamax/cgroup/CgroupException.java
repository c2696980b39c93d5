package dev.panamax.cgroup;

/**
 * A cgroup operation the host refused or cannot do: a missing parent, a controller that is not mounted or not
 * delegated, a value the kernel rejected. The message names the file, the value and the errno, for example
 * {@code "writing 10 to /sys/fs/cgroup/memory/panamax/x/memory.limit_in_bytes: EBUSY (Device or resource busy)"}.
 *
 * <pre>{@code
 * try (Cgroup cg = Cgroup.create("job-1", resources)) {
 *     ...
 * } catch (CgroupException e) {
 *     System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public final class CgroupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message only.
     *
     * @param message what failed, naming the file, the value and the errno
     */
    public CgroupException(String message) {
        super(message);
    }

    /**
     * An exception caused by another, such as an {@link dev.panamax.sys.ErrnoException}.
     *
     * @param message what failed, naming the file, the value and the errno
     * @param cause   the underlying failure
     */
    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
