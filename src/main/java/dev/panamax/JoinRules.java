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
}
