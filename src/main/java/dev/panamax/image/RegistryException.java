package dev.panamax.image;

import java.io.IOException;

/**
 * A registry refused or failed a request of a pull: the message names the registry, the reference or blob and
 * what went wrong (credentials needed or refused, not found, server errors after retries, connection refused, a
 * TLS handshake that failed: an untrusted certificate or one for another host).
 */
public final class RegistryException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status, or 0 when there was no answer. */
    private final int status;

    /**
     * A failure with the HTTP status that caused it.
     *
     * @param message what failed, naming the registry and the reference or blob
     * @param status  the HTTP status, or 0 when the registry did not answer
     * @param cause   the underlying exception, or null
     */
    public RegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * The HTTP status of the answer that caused this failure.
     *
     * @return the status (401, 404, 5xx, ...), or 0 when the registry did not answer
     */
    public int status() {
        return status;
    }
}
