package dev.panamax.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One netlink attribute ({@code struct nlattr} / {@code rtattr}) read back: its type without the
 * {@code NLA_F_NESTED} and {@code NLA_F_NET_BYTEORDER} bits, and its value without padding. The
 * typed accessors check the value's size and throw {@link NetlinkFormatException} naming the type.
 *
 * @param type  the attribute type ({@code nla_type & NLA_TYPE_MASK})
 * @param value the value bytes ({@code nla_len - NLA_HDRLEN} of them)
 */
record Attribute(int type, byte[] value) {

    /**
     * Parses the attributes in {@code bytes[from, to)}: each is padded to 4 bytes, the last may end
     * unpadded at {@code to}; anything else left over is rejected.
     */
    static List<Attribute> parseAll(byte[] bytes, int from, int to) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        List<Attribute> attributes = new ArrayList<>();
        int offset = from;
        while (offset < to) {
            if (to - offset < Rtnl.NLA_HDRLEN) {
                throw new NetlinkFormatException("attribute at offset " + offset + ": " + (to - offset)
                        + " bytes left, shorter than the " + Rtnl.NLA_HDRLEN + "-byte attribute header");
            }
            int length = Short.toUnsignedInt(in.getShort(offset));
            int type = Short.toUnsignedInt(in.getShort(offset + 2)) & Rtnl.NLA_TYPE_MASK;
            if (length < Rtnl.NLA_HDRLEN || length > to - offset) {
                throw new NetlinkFormatException("attribute type " + type + " at offset " + offset + ": nla_len "
                        + length + " outside " + Rtnl.NLA_HDRLEN + ".." + (to - offset));
            }
            attributes.add(new Attribute(type, Arrays.copyOfRange(bytes, offset + Rtnl.NLA_HDRLEN, offset + length)));
            offset = Math.min(to, offset + Rtnl.align(length));
        }
        return attributes;
    }

    /** {@return the first attribute of {@code type}, if any} */
    static Optional<Attribute> find(List<Attribute> attributes, int type) {
        return attributes.stream().filter(a -> a.type == type).findFirst();
    }

    /** {@return the value as an unsigned byte} */
    int u8() {
        requireSize(1);
        return Byte.toUnsignedInt(value[0]);
    }

    /** {@return the value as a host-order 32-bit number} */
    int u32() {
        requireSize(4);
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }

    /** {@return the value as a string, up to its terminating NUL if any} */
    String string() {
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        return new String(value, 0, end, StandardCharsets.UTF_8);
    }

    /** {@return the value as an IPv4 (4 bytes) or IPv6 (16 bytes) address} */
    InetAddress address() {
        if (value.length != 4 && value.length != 16) {
            throw new NetlinkFormatException("attribute type " + type + ": " + value.length
                    + " bytes, not an IPv4 (4) or IPv6 (16) address");
        }
        try {
            return InetAddress.getByAddress(value);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address", e);
        }
    }

    /** {@return the value parsed as nested attributes} */
    List<Attribute> nested() {
        return parseAll(value, 0, value.length);
    }

    private void requireSize(int size) {
        if (value.length != size) {
            throw new NetlinkFormatException("attribute type " + type + ": " + value.length + " bytes, expected " + size);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribute a && type == a.type && Arrays.equals(value, a.value);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Attribute[type=" + type + ", " + value.length + " bytes]";
    }
}
