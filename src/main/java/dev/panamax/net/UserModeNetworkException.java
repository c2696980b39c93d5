package dev.panamax.net;

/**
 * A user-mode network helper (pasta, slirp4netns) could not be started or configured: the message names the
 * tool, the container's pid, and the tool's exit status and error output, or the missing or unusable piece
 * (the tool itself, {@code /dev/net/tun}).
 */
public final class UserModeNetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with its message.
     *
     * @param message what failed and why
     */
    public UserModeNetworkException(String message) {
        super(message);
    }

    /**
     * An error with its message and cause.
     *
     * @param message what failed and why
     * @param cause   the underlying failure
     */
    public UserModeNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
