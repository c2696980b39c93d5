package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A Linux bridge on the host that containers join through veth pairs: its interface name, its IPv4 subnet,
 * an optional IPv6 subnet and the MTU of its links. The gateway of each subnet is its first host address
 * ({@code .1}), held by the bridge itself; containers get the addresses after it (see {@link Leases}), with the
 * same host index in both subnets.
 *
 * <p>{@link #defaults()} is {@code panamax0} with {@code 10.89.0.0/24}, the IPv6 ULA {@code fd89:70:6d78::/64}
 * (a fixed unique-local prefix: {@code 70:6d78} is "pmx" in ASCII) and MTU 1500. Change it with the withers:
 *
 * <pre>{@code
 * BridgeNetwork lab = BridgeNetwork.defaults().withName("pmxlab0").withSubnet(IpPrefix.parse("10.90.0.0/24"))
 *         .withoutIpv6();
 * lab.gateway();    // 10.90.0.1
 * }</pre>
 *
 * @param name    the bridge's interface name: 1 to 15 bytes of letters, digits, {@code - _ .}
 * @param subnet  the IPv4 subnet, at most a /30 (room for the gateway and one container)
 * @param subnet6 the IPv6 subnet, if any: at least as many addresses as {@code subnet}
 * @param mtu     the MTU of the bridge and its veth pairs: 576 to 65535 (1280 or more with IPv6)
 */
public record BridgeNetwork(String name, IpPrefix subnet, Optional<IpPrefix> subnet6, int mtu) {
    /** The default bridge's name. */
    public static final String DEFAULT_NAME = "panamax0";
    /** The default bridge's IPv4 subnet. */
    public static final IpPrefix DEFAULT_SUBNET = IpPrefix.parse("10.89.0.0/24");
    /** The default bridge's IPv6 subnet, a unique local address prefix (RFC 4193). */
    public static final IpPrefix DEFAULT_SUBNET6 = IpPrefix.parse("fd89:70:6d78::/64");
    /** Ranges whose addresses a host interface cannot be given. */
    private static final java.util.List<IpPrefix> NOT_UNICAST = java.util.stream.Stream.of("0.0.0.0/8", "127.0.0.0/8",
            "169.254.0.0/16", "224.0.0.0/3", "::/8", "fe80::/10", "ff00::/8").map(IpPrefix::parse).toList();

    /**
     * Checks every field.
     *
     * @throws InvalidSpecException naming {@code bridge.name}, {@code bridge.subnet}, {@code bridge.subnet6} or
     *                              {@code bridge.mtu}
     */
    public BridgeNetwork {
        checkInterfaceName("bridge.name", name);
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(subnet6, "subnet6");
        if (subnet.isIpv6() || subnet.length() > 30) {
            throw new InvalidSpecException("bridge.subnet", "must be an IPv4 subnet of at most /30 (a gateway and "
                    + "one container), got " + subnet);
        }
        checkUnicast("bridge.subnet", subnet);
        subnet6.ifPresent(v6 -> {
            if (!v6.isIpv6() || 128 - v6.length() < 32 - subnet.length()) {
                throw new InvalidSpecException("bridge.subnet6", "must be an IPv6 subnet at least as large as "
                        + subnet + " (at most /" + (96 + subnet.length()) + "), got " + v6);
            }
            checkUnicast("bridge.subnet6", v6);
        });
        int least = subnet6.isPresent() ? 1280 : 576;
        if (mtu < least || mtu > 65535) {
            throw new InvalidSpecException("bridge.mtu", "must be in " + least + "..65535"
                    + (subnet6.isPresent() ? " (IPv6 needs 1280)" : "") + ", got " + mtu);
        }
    }

    /** {@return the default bridge: {@code panamax0}, 10.89.0.0/24, fd89:70:6d78::/64, MTU 1500} */
    public static BridgeNetwork defaults() {
        return new BridgeNetwork(DEFAULT_NAME, DEFAULT_SUBNET, Optional.of(DEFAULT_SUBNET6), 1500);
    }

    /**
     * {@return this network under another bridge name}
     *
     * @param bridgeName the interface name, 1 to 15 bytes of letters, digits, {@code - _ .}
     * @throws InvalidSpecException ({@code bridge.name}) for an invalid name
     */
    public BridgeNetwork withName(String bridgeName) {
        return new BridgeNetwork(bridgeName, subnet, subnet6, mtu);
    }

    /**
     * {@return this network with another IPv4 subnet}
     *
     * @param ipv4 an IPv4 subnet of at most /30
     * @throws InvalidSpecException ({@code bridge.subnet} or {@code bridge.subnet6}) as the constructor
     */
    public BridgeNetwork withSubnet(IpPrefix ipv4) {
        return new BridgeNetwork(name, ipv4, subnet6, mtu);
    }

    /**
     * {@return this network with another IPv6 subnet}
     *
     * @param ipv6 an IPv6 subnet at least as large as the IPv4 one
     * @throws InvalidSpecException ({@code bridge.subnet6}) as the constructor
     */
    public BridgeNetwork withSubnet6(IpPrefix ipv6) {
        return new BridgeNetwork(name, subnet, Optional.of(ipv6), mtu);
    }

    /** {@return this network without IPv6} */
    public BridgeNetwork withoutIpv6() {
        return new BridgeNetwork(name, subnet, Optional.empty(), mtu);
    }

    /**
     * {@return this network with another MTU}
     *
     * @param linkMtu the MTU, 576 (1280 with IPv6) to 65535
     * @throws InvalidSpecException ({@code bridge.mtu}) when out of range
     */
    public BridgeNetwork withMtu(int linkMtu) {
        return new BridgeNetwork(name, subnet, subnet6, linkMtu);
    }

    /** {@return the bridge's IPv4 address, the subnet's first host: the containers' default gateway} */
    public InetAddress gateway() {
        return subnet.host(1);
    }

    /** {@return the bridge's IPv6 address, if the network has IPv6: the first host of {@link #subnet6()}} */
    public Optional<InetAddress> gateway6() {
        return subnet6.map(v6 -> v6.host(1));
    }

    /** Refuses a subnet that overlaps one of {@link #NOT_UNICAST}. */
    private static void checkUnicast(String field, IpPrefix prefix) {
        for (IpPrefix reserved : NOT_UNICAST) {
            if (reserved.overlaps(prefix)) {
                throw new InvalidSpecException(field, prefix + " overlaps " + reserved
                        + " (not for hosts: loopback, link-local, multicast, this-network or reserved)");
            }
        }
    }

    /**
     * Checks a network interface name as the kernel's {@code dev_valid_name} does, and more strictly: 1 to 15
     * bytes of ASCII letters, digits, {@code -}, {@code _} and {@code .}, not {@code .} or {@code ..}.
     *
     * @param field the field named in the error
     * @param name  the interface name
     * @throws InvalidSpecException naming {@code field} when the name is not valid
     */
    public static void checkInterfaceName(String field, String name) {
        Objects.requireNonNull(name, field);
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > 15) {
            throw new InvalidSpecException(field, "an interface name has 1 to 15 bytes, got " + bytes);
        }
        if (!name.matches("[A-Za-z0-9_.-]+") || name.equals(".") || name.equals("..")) {
            throw new InvalidSpecException(field, "an interface name holds only letters, digits, '-', '_' and '.', "
                    + "got " + IpPrefix.quoted(name));
        }
    }
}
