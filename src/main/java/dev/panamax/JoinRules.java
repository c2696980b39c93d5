package dev.panamax;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The rules that relate the joined namespaces ({@link NamespaceJoin}) to the rest of a spec. */
final class JoinRules {
    private JoinRules() {
    }

    /**
     * Each namespace joined once and not also new; no join with a new user namespace (the child would have
     * no capability over the joined namespace's owner: setns EPERM); no UTS name set in a joined UTS
     * namespace (it would rename the host's or the other container's).
     */
    static void check(List<NamespaceJoin> joins, Set<Namespace> namespaces, Optional<String> hostname,
                      Optional<String> domainname) {
        Map<Namespace, NamespaceJoin> joined = new EnumMap<>(Namespace.class);
        for (NamespaceJoin join : joins) {
            for (Namespace ns : join.namespaces()) {
                NamespaceJoin before = joined.put(ns, join);
                if (before != null) {
                    throw new InvalidSpecException("joins", ns + " is joined twice: " + before.source() + " and "
                            + join.source());
                }
                if (namespaces.contains(ns)) {
                    throw new InvalidSpecException("joins", ns + " is both joined (" + join.source()
                            + ") and new: leave Namespace." + ns + " out of namespaces(...)");
                }
            }
        }
        if (joins.isEmpty()) {
            return;
        }
        if (namespaces.contains(Namespace.USER)) {
            throw new InvalidSpecException("joins", "joining a namespace from a new user namespace is not"
                    + " supported: the child has no capability over the joined namespace (setns: EPERM)");
        }
        if (joined.containsKey(Namespace.UTS) && (hostname.isPresent() || domainname.isPresent())) {
            throw new InvalidSpecException(hostname.isPresent() ? "hostname" : "domainname", "the UTS namespace"
                    + " is joined (" + joined.get(Namespace.UTS).source() + "): its names are the joined one's");
        }
    }

    /**
     * The network against the namespaces: the host's network without a network namespace, a bridge or user mode
     * with a new one (and a mount namespace to bind its /etc files in), a joined network namespace as a join.
     */
    static void checkNetwork(NetworkSpec network, List<NamespaceJoin> joins, Set<Namespace> namespaces) {
        switch (network.mode()) {
            case dev.panamax.net.Network.Host h -> {
                if (namespaces.contains(Namespace.NET)) {
                    throw new InvalidSpecException("network", "the host's network has no network namespace of its"
                            + " own: leave Namespace.NET out of namespaces(...)");
                }
            }
            case dev.panamax.net.Network.Bridge b -> requireNewNet(network, namespaces);
            case dev.panamax.net.Network.UserMode u -> requireNewNet(network, namespaces);
            case dev.panamax.net.Network.Join j -> {
                boolean joined = joins.stream().anyMatch(join -> join.namespaces().contains(Namespace.NET)
                        && join.path().equals(Optional.of(j.path())));
                if (!joined) {
                    throw new InvalidSpecException("network", "the network namespace " + j.path() + " is not"
                            + " among the joined namespaces (build the spec with network(Network.join(path)))");
                }
            }
            case dev.panamax.net.Network.None n -> {
            }
        }
    }

    private static void requireNewNet(NetworkSpec network, Set<Namespace> namespaces) {
        String mode = NetworkSpec.describe(network.mode());
        if (!namespaces.contains(Namespace.NET)) {
            throw new InvalidSpecException("network", mode + " needs a network namespace of its own: add"
                    + " Namespace.NET to namespaces(...)");
        }
        if (!namespaces.contains(Namespace.MOUNT)) {
            throw new InvalidSpecException("network", mode + " needs a mount namespace, in which the container's"
                    + " /etc/resolv.conf, /etc/hosts and /etc/hostname are bound: add Namespace.MOUNT");
        }
    }
}
