package dev.panamax.rootfs;

import java.io.Serial;

/**
 * A root filesystem could not be assembled: a program was not found, a file is not a usable ELF
 * object, a library could not be resolved, or the target directory is unusable. The message names
 * the file or program and what was wrong with it.
 *
 * <pre>{@code
 * try {
 *     Rootfs.fromHost(Path.of("/srv/rootfs"), "sh", "no-such-tool");
 * } catch (RootfsException e) {
 *     System.err.println(e.getMessage()); // program "no-such-tool" not found on PATH ...
 * }
 * }</pre>
 */
public final class RootfsException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names the offending file or program.
     *
     * @param message what failed, naming the file or program
     */
    public RootfsException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the I/O failure that caused it.
     *
     * @param message what failed, naming the file or program
     * @param cause   the I/O failure
     */
    public RootfsException(String message, Throwable cause) {
        super(message, cause);
    }
}
