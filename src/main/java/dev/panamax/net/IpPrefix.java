package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network: its first address and a prefix length, as in {@code 10.89.0.0/24} or
 * {@code fd89:70:6d78::/64}.
 *
 * <p>The address must be the network address: {@code 10.89.0.1/24} is refused (naming {@code 10.89.0.0/24})
 * rather than silently normalized, so that a typo in a subnet is found, not guessed at. Addresses are literals
 * only (never looked up); an IPv6 address with a scope ({@code %eth0}) is refused.
 *
 * <pre>{@code
 * IpPrefix net = IpPrefix.parse("10.89.0.0/24");
 * net.host(1);                                   // 10.89.0.1
 * net.contains(InetAddress.ofLiteral("10.89.0.7"));  // true
 * net.size();                                    // 256
 * }</pre>
 *
 * @param address the network address (host bits zero)
 * @param length  the prefix length: 0..32 for IPv4, 0..128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

    /**
     * Checks the length against the address family and that no host bit is set.
     *
     * @throws InvalidSpecException ({@code prefix}) for a length out of range, a scoped address or host bits set
     */
    public IpPrefix {
        if (address instanceof Inet6Address v6 && (v6.getScopeId() != 0 || v6.getScopedInterface() != null)) {
            throw new InvalidSpecException("prefix", "a network address has no scope, got " + address.getHostAddress());
        }
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new InvalidSpecException("prefix", "the length must be in 0.." + bits + " for "
                    + literal(address) + ", got " + length);
        }
        byte[] network = mask(address.getAddress(), length);
        if (!java.util.Arrays.equals(network, address.getAddress())) {
            throw new InvalidSpecException("prefix", literal(address) + "/" + length
                    + " has host bits set; the network is " + literal(network) + "/" + length);
        }
    }

    /**
     * Reads {@code ADDRESS/LENGTH}, such as {@code 10.89.0.0/24} or {@code fd89::/64}.
     *
     * @param text the prefix
     * @return the prefix
     * @throws InvalidSpecException ({@code prefix}) when the text is not one, or host bits are set
     */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new InvalidSpecException("prefix", "expected ADDRESS/LENGTH, got " + quoted(text));
        }
        String bits = text.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}")) {
            throw new InvalidSpecException("prefix", "the length must be a number, got " + quoted(text));
        }
        return new IpPrefix(address("prefix", text.substring(0, slash)), Integer.parseInt(bits));
    }

    /**
     * Reads an address literal, never looking a name up: dotted decimal IPv4 (four parts, no leading zeros) or
     * IPv6 (without a scope).
     *
     * @param field the field named when the text is not an address
     * @param text  the literal
     * @return the address
     * @throws InvalidSpecException naming {@code field} when the text is not an address literal
     */
    public static InetAddress address(String field, String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                return Inet4Address.ofLiteral(text);
            }
            if (text.indexOf(':') >= 0 && text.indexOf('%') < 0) {
                return Inet6Address.ofLiteral(text);
            }
        } catch (IllegalArgumentException e) {
            // not an address: below
        }
        throw new InvalidSpecException(field, "not an IPv4 or IPv6 address literal: " + quoted(text));
    }

    /** {@return true for an IPv6 network} */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /**
     * {@return how many addresses the network holds, {@link Long#MAX_VALUE} for 2^63 or more}
     */
    public long size() {
        int hostBits = address.getAddress().length * 8 - length;
        return hostBits >= 63 ? Long.MAX_VALUE : 1L << hostBits;
    }

    /**
     * The {@code n}th address of the network: 0 is the network address, 1 the first host (a bridge's gateway).
     *
     * @param n the index, 0 to {@link #size()} - 1
     * @return the address
     * @throws IllegalArgumentException when {@code n} is negative or past the network's end
     */
    public InetAddress host(long n) {
        if (n < 0 || n >= size()) {
            throw new IllegalArgumentException("host " + n + " is outside " + this + " (" + size() + " addresses)");
        }
        byte[] bytes = address.getAddress();
        long carry = n;
        for (int i = bytes.length - 1; i >= 0 && carry != 0; i--) {
            long sum = (bytes[i] & 0xFF) + (carry & 0xFF);
            bytes[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        return byAddress(bytes);
    }

    /**
     * The index of an address in this network, as {@link #host(long)} takes it.
     *
     * @param member an address of this network
     * @return its index
     * @throws IllegalArgumentException when the address is not in this network, or its index does not fit a long
     */
    public long indexOf(InetAddress member) {
        if (!contains(member)) {
            throw new IllegalArgumentException(literal(member) + " is not in " + this);
        }
        java.math.BigInteger index = new java.math.BigInteger(1, member.getAddress())
                .subtract(new java.math.BigInteger(1, address.getAddress()));
        if (index.bitLength() > 62) {
            throw new IllegalArgumentException(literal(member) + " is too far into " + this);
        }
        return index.longValueExact();
    }

    /**
     * {@return true when the address lies in this network (never for the other address family)}
     *
     * @param candidate any address
     */
    public boolean contains(InetAddress candidate) {
        return candidate.getClass() == address.getClass()
                && java.util.Arrays.equals(mask(candidate.getAddress(), length), address.getAddress());
    }

    /**
     * {@return true when the two networks share an address (one contains the other)}
     *
     * @param other another network
     */
    public boolean overlaps(IpPrefix other) {
        return contains(other.address) || other.contains(address);
    }

    /** {@code 10.89.0.0/24}, {@code fd89:70:6d78::/64}: what {@link #parse} reads back. */
    @Override
    public String toString() {
        return literal(address) + "/" + length;
    }

    /**
     * An address as text: dotted decimal, or IPv6 in its short form (RFC 5952: lower case, the longest run of
     * two or more zero groups as {@code ::}), where {@link InetAddress#getHostAddress()} writes every group.
     *
     * @param address an address
     * @return its literal
     */
    public static String literal(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && b[2 * j] == 0 && b[2 * j + 1] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF)));
        }
        return text.toString();
    }

    private static byte[] mask(byte[] bytes, int length) {
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.clamp(length - i * 8L, 0, 8);
            bytes[i] &= (byte) (0xFF00 >>> keep);
        }
        return bytes;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes", e);
        }
    }

    private static String literal(byte[] bytes) {
        return literal(byAddress(bytes));
    }

    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().forEach(c -> out.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", c) : (char) c));
        return out.append('"').toString();
    }
}
