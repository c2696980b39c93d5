package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A published port: connections to {@code hostPort} on the host (on every host address, or on
 * {@code hostAddress} only) go to {@code containerPort} in the container.
 *
 * <pre>{@code
 * PortMapping.tcp(8080, 80);                                        // 8080->80/tcp, every host address
 * PortMapping.udp(5353, 53).on(InetAddress.getLoopbackAddress());   // 127.0.0.1:5353->53/udp
 * }</pre>
 *
 * @param protocol      TCP or UDP
 * @param hostAddress   the host address to publish on; empty for every address (IPv4 and IPv6)
 * @param hostPort      the host's port, 1 to 65535
 * @param containerPort the container's port, 1 to 65535
 */
public record PortMapping(Protocol protocol, Optional<InetAddress> hostAddress, int hostPort, int containerPort) {
    private static final java.util.regex.Pattern TEXT = java.util.regex.Pattern.compile(
            "(?:\\[([0-9A-Fa-f:.]+)\\]:|([0-9.]+):)?([0-9]{1,5})->([0-9]{1,5})/(tcp|udp)");

    /** The transport protocol of a published port. */
    public enum Protocol {
        /** TCP. */
        TCP,
        /** UDP. */
        UDP;

        /** {@return the lower-case name, as nft and iptables write it: {@code tcp}, {@code udp}} */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Checks the ports and the host address.
     *
     * @throws InvalidSpecException ({@code publish.hostPort}, {@code publish.containerPort} or
     *                              {@code publish.hostAddress}) for a port out of range or a scoped IPv6 address
     */
    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostAddress, "hostAddress");
        checkPort("publish.hostPort", hostPort);
        checkPort("publish.containerPort", containerPort);
        hostAddress.ifPresent(address -> {
            if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                throw new InvalidSpecException("publish.hostAddress", "a scoped IPv6 address cannot be published on, "
                        + "got " + IpPrefix.literal(address));
            }
        });
    }

    /**
     * {@return TCP connections to {@code hostPort} on every host address go to {@code containerPort}}
     *
     * @param hostPort      the host's port, 1 to 65535
     * @param containerPort the container's port, 1 to 65535
     * @throws InvalidSpecException naming the port out of range
     */
    public static PortMapping tcp(int hostPort, int containerPort) {
        return new PortMapping(Protocol.TCP, Optional.empty(), hostPort, containerPort);
    }

    /**
     * {@return UDP datagrams to {@code hostPort} on every host address go to {@code containerPort}}
     *
     * @param hostPort      the host's port, 1 to 65535
     * @param containerPort the container's port, 1 to 65535
     * @throws InvalidSpecException naming the port out of range
     */
    public static PortMapping udp(int hostPort, int containerPort) {
        return new PortMapping(Protocol.UDP, Optional.empty(), hostPort, containerPort);
    }

    /**
     * {@return this mapping on one host address only (127.0.0.1: reachable from this host alone)}
     *
     * @param address the host address, a literal (never looked up)
     * @throws InvalidSpecException ({@code publish.hostAddress}) for a scoped IPv6 address
     */
    public PortMapping on(InetAddress address) {
        return new PortMapping(protocol, Optional.of(address), hostPort, containerPort);
    }

    /** {@code 127.0.0.1:8080->80/tcp}, {@code [::1]:53->53/udp}, {@code 8080->80/tcp}: as docker prints one. */
    @Override
    public String toString() {
        String host = hostAddress.map(a -> a instanceof Inet6Address ? "[" + IpPrefix.literal(a) + "]:"
                : IpPrefix.literal(a) + ":").orElse("");
        return host + hostPort + "->" + containerPort + "/" + protocol.keyword();
    }

    /**
     * Reads what {@link #toString()} writes: {@code [ADDRESS:]HOSTPORT->CONTAINERPORT/PROTOCOL}, an IPv6 address
     * in brackets.
     *
     * @param text the mapping, such as {@code 127.0.0.1:8080->80/tcp}
     * @return the mapping
     * @throws InvalidSpecException ({@code publish} or a field as the constructor) when the text is not one
     */
    public static PortMapping parse(String text) {
        var m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new InvalidSpecException("publish", "expected [ADDRESS:]HOSTPORT->CONTAINERPORT/tcp|udp, got "
                    + IpPrefix.quoted(text));
        }
        String address = m.group(1) != null ? m.group(1) : m.group(2);
        return new PortMapping(Protocol.valueOf(m.group(5).toUpperCase(java.util.Locale.ROOT)),
                Optional.ofNullable(address).map(a -> IpPrefix.address("publish.hostAddress", a)),
                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidSpecException(field, "a port must be in 1..65535, got " + port);
        }
    }
}
