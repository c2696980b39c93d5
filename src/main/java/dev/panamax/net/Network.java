package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a container reaches the network. Values compare by value (a spec holding one is a cache key).
 *
 * <pre>{@code
 * Network.none();                                     // a new network namespace with loopback only (the default)
 * Network.host();                                     // the host's network namespace
 * Network.bridge();                                   // eth0 on the bridge panamax0, NAT to the outside
 * Network.bridge(BridgeNetwork.defaults().withName("pmxlab0"));
 * Network.join(Path.of("/run/netns/lab"));            // an existing network namespace
 * Network.userMode();                                 // rootless: pasta in user mode
 * }</pre>
 */
public sealed interface Network {

    /** A new network namespace with only the loopback interface, up. */
    record None() implements Network {
    }

    /** No network namespace of its own: the container shares the launcher's. */
    record Host() implements Network {
    }

    /**
     * A new network namespace with {@code eth0}, one end of a veth pair whose other end is on the bridge,
     * an address leased from the bridge's subnets (the next free one, or the one asked for), a default route
     * through the bridge, outbound NAT.
     *
     * @param network the bridge and its subnets
     * @param address the container's IPv4 address, or empty for the next free one
     */
    record Bridge(BridgeNetwork network, Optional<InetAddress> address) implements Network {
        /**
         * Checks that the network is given and that an address asked for is a container address of its subnet.
         *
         * @throws InvalidSpecException ({@code network.address}) for an address outside the subnet, or its
         *                              network, gateway or broadcast address
         */
        public Bridge {
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(address, "address");
            if (address.isPresent()) {
                InetAddress a = address.get();
                IpPrefix subnet = network.subnet();
                if (!subnet.contains(a)) {
                    throw new InvalidSpecException("network.address", IpPrefix.literal(a) + " is outside the subnet "
                            + subnet + " of the bridge " + network.name());
                }
                long n = subnet.indexOf(a);
                if (n < 2 || n > subnet.size() - 2) {
                    throw new InvalidSpecException("network.address", IpPrefix.literal(a) + " is the "
                            + (n == 0 ? "network" : n == 1 ? "gateway" : "broadcast") + " address of " + subnet
                            + ": a container gets one of " + IpPrefix.literal(subnet.host(2)) + " to "
                            + IpPrefix.literal(subnet.host(subnet.size() - 2)));
                }
            }
        }

        /**
         * The bridge with the next free address.
         *
         * @param network the bridge and its subnets
         */
        public Bridge(BridgeNetwork network) {
            this(network, Optional.empty());
        }
    }

    /**
     * The network namespace at a path: a bind mount such as {@code /run/netns/NAME}, or another container's
     * {@code /proc/PID/ns/net}.
     *
     * @param path the namespace file, an absolute path
     */
    record Join(Path path) implements Network {
        /**
         * Checks that the path is absolute (whether it is a namespace is known when the launch opens it).
         *
         * @throws InvalidSpecException ({@code network.join}) for a relative path or one with NUL
         */
        public Join {
            Objects.requireNonNull(path, "path");
            if (!path.isAbsolute() || path.toString().indexOf('\0') >= 0) {
                throw new InvalidSpecException("network.join", "must be an absolute path, got " + path);
            }
        }
    }

    /**
     * A new network namespace connected by a user-mode network stack ({@code pasta}, or {@code slirp4netns}
     * where pasta is missing), which needs no privilege: the network of a rootless container.
     *
     * @param options extra command line options of the helper, in order (none by default)
     */
    record UserMode(List<String> options) implements Network {
        /**
         * Copies the options and checks them.
         *
         * @throws InvalidSpecException ({@code network.userMode[i]}) for an option that is null, empty or holds NUL
         */
        public UserMode {
            options = List.copyOf(options);
            for (int i = 0; i < options.size(); i++) {
                if (options.get(i).isEmpty() || options.get(i).indexOf('\0') >= 0) {
                    throw new InvalidSpecException("network.userMode[" + i + "]", "an option is non-empty without NUL");
                }
            }
        }
    }

    /** {@return a new network namespace with loopback only: a container's default} */
    static Network none() {
        return new None();
    }

    /** {@return the host's network: no network namespace} */
    static Network host() {
        return new Host();
    }

    /** {@return the default bridge network, {@link BridgeNetwork#defaults()}} */
    static Network bridge() {
        return new Bridge(BridgeNetwork.defaults());
    }

    /**
     * {@return a bridge network}
     *
     * @param network the bridge and its subnets
     */
    static Network bridge(BridgeNetwork network) {
        return new Bridge(network);
    }

    /**
     * {@return a bridge network on which the container gets {@code address} (and the IPv6 address with the same
     * host number); the launch fails if another running container holds it}
     *
     * @param network the bridge and its subnets
     * @param address the container's IPv4 address
     * @throws InvalidSpecException ({@code network.address}) for an address outside the subnet, or its network,
     *                              gateway or broadcast address
     */
    static Network bridge(BridgeNetwork network, InetAddress address) {
        return new Bridge(network, Optional.of(address));
    }

    /**
     * {@return the network namespace at {@code path}}
     *
     * @param path the namespace file, e.g. {@code /run/netns/NAME}
     * @throws InvalidSpecException ({@code network.join}) for a relative path
     */
    static Network join(Path path) {
        return new Join(path);
    }

    /**
     * {@return user-mode networking for a rootless container}
     *
     * @param options extra options of the helper (pasta's, or slirp4netns's when it is the fallback)
     * @throws InvalidSpecException ({@code network.userMode[i]}) for an empty option or one with NUL
     */
    static Network userMode(String... options) {
        return new UserMode(List.of(options));
    }
}
