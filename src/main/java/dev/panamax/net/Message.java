package dev.panamax.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One netlink message read back: the {@code nlmsghdr} fields and the payload after it (a fixed family
 * header, then attributes). Parsing checks every length and throws {@link NetlinkFormatException}
 * naming the offset; it never reads past the input.
 *
 * @param type    {@code nlmsg_type}
 * @param flags   {@code nlmsg_flags}
 * @param seq     {@code nlmsg_seq}
 * @param pid     {@code nlmsg_pid}
 * @param payload the bytes after the header, up to {@code nlmsg_len}
 */
record Message(int type, int flags, int seq, int pid, byte[] payload) {

    /** Parses exactly one message: {@code nlmsg_len} must equal {@code bytes.length}. */
    static Message parse(byte[] bytes) {
        List<Message> all = parseAll(bytes);
        if (all.size() != 1) {
            throw new NetlinkFormatException("expected one netlink message, found " + all.size());
        }
        return all.getFirst();
    }

    /** Parses a datagram of back-to-back messages, each padded to 4 bytes; the last one may end unpadded. */
    static List<Message> parseAll(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        List<Message> messages = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            if (bytes.length - offset < Rtnl.NLMSG_HDRLEN) {
                throw new NetlinkFormatException("message at offset " + offset + ": " + (bytes.length - offset)
                        + " bytes, shorter than the " + Rtnl.NLMSG_HDRLEN + "-byte nlmsghdr");
            }
            long length = Integer.toUnsignedLong(in.getInt(offset));
            if (length < Rtnl.NLMSG_HDRLEN || length > bytes.length - offset) {
                throw new NetlinkFormatException("message at offset " + offset + ": nlmsg_len " + length
                        + " outside " + Rtnl.NLMSG_HDRLEN + ".." + (bytes.length - offset));
            }
            int end = offset + (int) length;
            messages.add(new Message(Short.toUnsignedInt(in.getShort(offset + 4)), Short.toUnsignedInt(in.getShort(offset + 6)),
                    in.getInt(offset + 8), in.getInt(offset + 12), Arrays.copyOfRange(bytes, offset + Rtnl.NLMSG_HDRLEN, end)));
            offset = Math.min(bytes.length, Rtnl.align(end));
        }
        return messages;
    }

    /** {@return the payload as a host-order buffer} */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
    }

    /**
     * {@return the attributes after a fixed header of {@code headerSize} bytes}
     *
     * @throws NetlinkFormatException if the payload is shorter than the header or the attributes are malformed
     */
    List<Attribute> attributes(int headerSize, String header) {
        requireHeader(headerSize, header);
        return Attribute.parseAll(payload, headerSize, payload.length);
    }

    /** Throws unless the payload holds a fixed header of {@code size} bytes. */
    void requireHeader(int size, String header) {
        if (payload.length < size) {
            throw new NetlinkFormatException("message type " + type + ": payload of " + payload.length
                    + " bytes, shorter than its " + size + "-byte " + header);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && type == m.type && flags == m.flags && seq == m.seq && pid == m.pid
                && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return (((type * 31 + flags) * 31 + seq) * 31 + pid) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Message[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", seq=" + seq + ", pid=" + pid
                + ", " + payload.length + " payload bytes]";
    }
}
