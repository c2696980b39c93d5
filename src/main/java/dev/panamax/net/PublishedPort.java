package dev.panamax.net;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One published port as {@link Nftables#listPublished()} reads it back from Panamax's table: packets for
 * {@code hostAddress:hostPort} (any local address when {@code hostAddress} is null) are sent to
 * {@code containerAddress:containerPort}.
 *
 * @param protocol         {@code tcp} or {@code udp}
 * @param hostAddress      the one host address the port is published on, or null for every local address
 * @param hostPort         the host port, 1 to 65535
 * @param containerAddress the container's address, of the same family as {@code hostAddress}
 * @param containerPort    the container port, 1 to 65535
 */
public record PublishedPort(String protocol, InetAddress hostAddress, int hostPort, InetAddress containerAddress,
                            int containerPort) {
    /**
     * Checks the values as {@link Nftables#publish} does.
     *
     * @throws IllegalArgumentException naming the field: a protocol other than tcp or udp, a port out of range,
     *                                  a scoped or wildcard container address, families that differ
     * @throws NullPointerException     if {@code protocol} or {@code containerAddress} is null
     */
    public PublishedPort {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(containerAddress, "containerAddress");
        protocol(protocol);
        port("hostPort", hostPort);
        port("containerPort", containerPort);
        if (hostAddress != null && hostAddress.isAnyLocalAddress()) {
            hostAddress = null;
        }
        Nftables.literal("containerAddress", containerAddress);
        if (containerAddress.isAnyLocalAddress() || containerAddress.isMulticastAddress()) {
            throw new IllegalArgumentException("containerAddress: must be a unicast address, not "
                    + literal(containerAddress));
        }
        if (hostAddress != null) {
            Nftables.literal("hostAddress", hostAddress);
            if (hostAddress.getClass() != containerAddress.getClass()) {
                throw new IllegalArgumentException("hostAddress: " + literal(hostAddress)
                        + " is not of the family of containerAddress " + literal(containerAddress));
            }
        }
    }

    /** Refuses a protocol other than {@code tcp} or {@code udp}. */
    static void protocol(String protocol) {
        Objects.requireNonNull(protocol, "protocol");
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("protocol: must be tcp or udp, not " + protocol);
        }
    }

    /** Refuses a port out of 1 to 65535. */
    static void port(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(field + ": must be 1 to 65535, not " + port);
        }
    }

    /** {@return {@code tcp port 8080 on 127.0.0.1} or {@code tcp port 8080 on every host address}} */
    String hostSide() {
        return protocol + " port " + hostPort + " on "
                + (hostAddress == null ? "every host address" : literal(hostAddress));
    }

    /** {@return the container side, e.g. {@code 10.89.0.2:80} or {@code [fd00::2]:80}} */
    String containerSide() {
        return literal(containerAddress) + ":" + containerPort;
    }

    /** {@return an address as in a URL: {@code 10.89.0.2} or {@code [fd00::2]}} */
    static String literal(InetAddress address) {
        String a = Nftables.text(address);
        return a.contains(":") ? "[" + a + "]" : a;
    }
}
