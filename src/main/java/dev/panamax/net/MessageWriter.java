package dev.panamax.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: the {@code nlmsghdr}, a fixed family header, then attributes, each
 * padded to 4 bytes ({@code NLA_ALIGN}); nested attributes are opened with {@link #begin} and closed
 * with {@link #end}, which writes their length. Pure bytes in host order, no I/O.
 *
 * <pre>{@code
 * byte[] msg = new MessageWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
 *         .ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0)
 *         .string(Rtnl.IFLA_IFNAME, "br0")
 *         .begin(Rtnl.IFLA_LINKINFO).string(Rtnl.IFLA_INFO_KIND, "bridge").end()
 *         .bytes();
 * }</pre>
 */
final class MessageWriter {
    private static final int MAX_ATTRIBUTE = 0xffff;

    private byte[] buffer = new byte[256];
    private int position;
    private int[] open = new int[8];
    private int depth;

    /** Starts a message of {@code type} with {@code flags} (sequence and port are the socket's to fill). */
    MessageWriter(int type, int flags) {
        u32(0).u16(type).u16(flags).u32(0).u32(0);
    }

    /** Appends {@code struct ifinfomsg}. */
    MessageWriter ifinfomsg(int family, int index, int flags, int change) {
        return u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    /** Appends {@code struct ifaddrmsg}. */
    MessageWriter ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        return u8(family).u8(prefixLength).u8(flags).u8(scope).u32(index);
    }

    /** Appends {@code struct rtmsg}: family, dst_len, src_len, tos, table, protocol, scope, type, flags. */
    MessageWriter rtmsg(int family, int dstLength, int table, int protocol, int scope, int type) {
        return u8(family).u8(dstLength).u8(0).u8(0).u8(table).u8(protocol).u8(scope).u8(type).u32(0);
    }

    /** Appends an attribute with a raw value, padded. */
    MessageWriter attribute(int type, byte[] value) {
        if (value.length > MAX_ATTRIBUTE - Rtnl.NLA_HDRLEN) {
            throw new IllegalArgumentException("attribute " + type + ": value of " + value.length
                    + " bytes exceeds the 16-bit attribute length");
        }
        u16(Rtnl.NLA_HDRLEN + value.length).u16(type);
        put(value);
        pad();
        return this;
    }

    /** Appends a 32-bit attribute in host order. */
    MessageWriter u32(int type, int value) {
        return attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** Appends a NUL-terminated string attribute. */
    MessageWriter string(int type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return attribute(type, Arrays.copyOf(text, text.length + 1));
    }

    /** Opens a nested attribute; its children follow until {@link #end}. */
    MessageWriter begin(int type) {
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = position;
        return u16(0).u16(type);
    }

    /**
     * Closes the innermost nested attribute, writing its length. A nest may start with a fixed header
     * before its attributes ({@code VETH_INFO_PEER} holds an {@code ifinfomsg}).
     */
    MessageWriter end() {
        if (depth == 0) {
            throw new IllegalStateException("end() without begin()");
        }
        int start = open[--depth];
        int length = position - start;
        if (length > MAX_ATTRIBUTE) {
            throw new IllegalArgumentException("nested attribute of " + length + " bytes exceeds the 16-bit length");
        }
        ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).putShort(start, (short) length);
        return this;
    }

    /** {@return the message, its length field filled in} */
    byte[] bytes() {
        if (depth != 0) {
            throw new IllegalStateException(depth + " nested attribute(s) not closed with end()");
        }
        ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).putInt(0, position);
        return Arrays.copyOf(buffer, position);
    }

    MessageWriter u8(int value) {
        ensure(1);
        buffer[position++] = (byte) value;
        return this;
    }

    MessageWriter u16(int value) {
        ensure(2);
        ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).putShort(position, (short) value);
        position += 2;
        return this;
    }

    MessageWriter u32(int value) {
        ensure(4);
        ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).putInt(position, value);
        position += 4;
        return this;
    }

    private void put(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buffer, position, value.length);
        position += value.length;
    }

    private void pad() {
        int padded = Rtnl.align(position);
        ensure(padded - position);
        position = padded; // the buffer is zeroed, so the padding is too
    }

    private void ensure(int more) {
        if (position + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
        }
    }
}
