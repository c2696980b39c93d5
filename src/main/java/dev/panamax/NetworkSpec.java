package dev.panamax;

import dev.panamax.net.NameResolution;
import dev.panamax.net.Network;
import dev.panamax.net.PortMapping;
import dev.panamax.spec.InvalidSpecException;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A container's network: how it is connected ({@link Network}), the ports published on the host, and what its
 * {@code /etc/resolv.conf} and {@code /etc/hosts} say. Built by {@link ContainerSpec.Builder#network},
 * {@link ContainerSpec.Builder#publish} and {@link ContainerSpec.Builder#nameResolution}.
 *
 * @param mode  none (loopback only, the default), host, a bridge, a joined namespace, or user mode
 * @param ports ports published on the host: only with a bridge or user mode
 * @param names name servers, search domains and extra hosts; empty for the host's (with a bridge or user mode
 *              the launch writes the container's {@code /etc/resolv.conf}, {@code /etc/hosts} and
 *              {@code /etc/hostname} and binds them read-only)
 */
public record NetworkSpec(Network mode, List<PortMapping> ports, Optional<NameResolution> names) {
    /** Loopback only, nothing published, the host's name resolution: a container's default. */
    public static final NetworkSpec NONE = new NetworkSpec(Network.none(), List.of(), Optional.empty());

    /**
     * Checks that ports are published only where the container has an address of its own, and that no two
     * mappings claim one host port (per protocol and host address).
     *
     * @throws InvalidSpecException ({@code network.ports}) naming the mapping
     */
    public NetworkSpec {
        Objects.requireNonNull(mode, "mode");
        ports = List.copyOf(ports);
        Objects.requireNonNull(names, "names");
        if (!ports.isEmpty() && !(mode instanceof Network.Bridge) && !(mode instanceof Network.UserMode)) {
            throw new InvalidSpecException("network.ports", "ports are published from a bridge or user-mode network;"
                    + " this container's network is " + describe(mode) + ": use network(Network.bridge()) or"
                    + " network(Network.userMode())");
        }
        for (int i = 0; i < ports.size(); i++) {
            for (int j = 0; j < i; j++) {
                PortMapping p = ports.get(i);
                PortMapping q = ports.get(j);
                if (p.protocol() == q.protocol() && p.hostPort() == q.hostPort() && (p.hostAddress().isEmpty()
                        || q.hostAddress().isEmpty() || p.hostAddress().equals(q.hostAddress()))) {
                    throw new InvalidSpecException("network.ports", "host port " + p.protocol().name()
                            .toLowerCase(java.util.Locale.ROOT) + " " + p.hostPort() + " is published twice: " + q
                            + " and " + p);
                }
            }
        }
    }

    /** {@return whether the container gets addresses of its own on a bridge or through user-mode networking} */
    public boolean connected() {
        return mode instanceof Network.Bridge || mode instanceof Network.UserMode;
    }

    /** A network mode as the errors name it. */
    static String describe(Network mode) {
        return switch (mode) {
            case Network.None n -> "none (loopback only)";
            case Network.Host h -> "the host's";
            case Network.Bridge b -> "the bridge " + b.network().name();
            case Network.Join j -> "the namespace " + j.path();
            case Network.UserMode u -> "user mode";
        };
    }
}
