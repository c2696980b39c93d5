package dev.panamax.net;

/**
 * Bytes that are not a well-formed netlink message: a length field that runs past the end or is
 * shorter than its header, a fixed header cut short, an attribute of the wrong size for its type.
 * The message names what was wrong and at which offset.
 */
public final class NetlinkFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception for malformed input.
     *
     * @param message what was wrong, and where
     */
    public NetlinkFormatException(String message) {
        super(message);
    }
}
