package dev.panamax.sys;

/**
 * The kernel refused a netlink request: an {@code NLMSG_ERROR} reply with a negative error. Besides
 * the errno it carries the kernel's extended-ack text ({@code NLMSGERR_ATTR_MSG}), which often names
 * the exact problem ("Invalid prefix length", "Unknown device type").
 *
 * <pre>{@code
 * RTM_NEWLINK(bridge "pmxbr0"): EEXIST (File exists); the kernel says: Link already exists
 * }</pre>
 */
public final class NetlinkException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    /** The kernel's extended-ack message, empty if it sent none. */
    private final String extack;

    /**
     * A refused request.
     *
     * @param call   the request, e.g. {@code "RTM_NEWLINK"}
     * @param errno  the positive errno value
     * @param detail the objects of the request as the user would recognise them, e.g. {@code bridge "br0"}
     * @param extack the kernel's extended-ack message, empty if none
     */
    public NetlinkException(String call, int errno, String detail, String extack) {
        super(call, errno, detail, extack.isEmpty() ? null : "the kernel says: " + extack);
        this.extack = extack;
    }

    /** {@return the kernel's extended-ack message ({@code NLMSGERR_ATTR_MSG}), empty if it sent none} */
    public String extack() {
        return extack;
    }
}
