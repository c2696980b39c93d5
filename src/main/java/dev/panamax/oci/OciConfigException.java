package dev.panamax.oci;

/**
 * A {@code config.json} that Panamax cannot run as given: malformed, outside the runtime-spec, or asking for
 * something Panamax does not support. The message starts with the JSON path of the field
 * ({@code linux.intelRdt: not supported}); {@link #path()} gives it alone.
 */
public class OciConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The JSON path of the field, such as {@code linux.namespaces[2].type}. */
    private final String path;

    /**
     * An error about the field at {@code path}.
     *
     * @param path   the JSON path of the field, such as {@code process.capabilities.bounding[3]}
     * @param reason what is wrong with it
     */
    public OciConfigException(String path, String reason) {
        super(path + ": " + reason);
        this.path = path;
    }

    /**
     * An error about the field at {@code path}, caused by {@code cause}.
     *
     * @param path   the JSON path of the field
     * @param reason what is wrong with it
     * @param cause  the underlying error
     */
    public OciConfigException(String path, String reason, Throwable cause) {
        super(path + ": " + reason, cause);
        this.path = path;
    }

    /** {@return the JSON path of the field, such as {@code linux.namespaces[2].type}} */
    public String path() {
        return path;
    }
}
