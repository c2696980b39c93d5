package dev.panamax;

import dev.panamax.mount.Filesystem;
import dev.panamax.mount.Mount;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which sysctls a container may set, as runc's {@code libcontainer/configs/validate} decides: only those of a
 * kernel namespace the container has, so that no write reaches the host. The IPC ones ({@code kernel.msg*},
 * {@code kernel.sem}, {@code kernel.shm*}, {@code fs.mqueue.*}) need an IPC namespace (its own or a joined
 * one); {@code net.*} the container's own network namespace (not the host's, and, stricter than runc, not a
 * joined one, which belongs to another container); {@code kernel.domainname} its own UTS namespace and no
 * {@code domainname} beside it; {@code kernel.hostname} conflicts with the {@code hostname} field (as in runc).
 * Anything else is refused. The child writes them below the container's /proc, which it must mount.
 */
final class SysctlRules {
    private SysctlRules() {
    }

    /** The IPC namespace's sysctls besides {@code fs.mqueue.*}. */
    private static final Set<String> IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    /**
     * The dotted name of a sysctl key: {@code net/ipv4/ip_forward} (slashes, as sysctl(8) also takes) becomes
     * {@code net.ipv4.ip_forward}, a dot inside a slashed component (an interface {@code eno2.100}) a slash.
     *
     * @param key a key as given
     * @return its dotted form
     */
    static String dotted(String key) {
        int first = indexOfSeparator(key);
        if (first < 0 || key.charAt(first) == '.') {
            return key;
        }
        StringBuilder out = new StringBuilder(key.length());
        for (char c : key.toCharArray()) {
            out.append(c == '.' ? '/' : c == '/' ? '.' : c);
        }
        return out.toString();
    }

    /**
     * The file below {@code /proc/sys} of a key: the dotted form with dots as slashes.
     *
     * @param key a checked key
     * @return the path relative to /proc/sys, e.g. {@code net/ipv4/ping_group_range}
     */
    static String procPath(String key) {
        StringBuilder out = new StringBuilder();
        for (char c : dotted(key).toCharArray()) {
            out.append(c == '.' ? '/' : c == '/' ? '.' : c);
        }
        return out.toString();
    }

    private static int indexOfSeparator(String key) {
        int dot = key.indexOf('.');
        int slash = key.indexOf('/');
        return dot < 0 ? slash : slash < 0 ? dot : Math.min(dot, slash);
    }

    /**
     * Checks each sysctl against the namespaces and the names.
     *
     * @throws InvalidSpecException naming {@code sysctl[KEY]} and the rule
     */
    static void check(Map<String, String> sysctls, Set<Namespace> namespaces, List<NamespaceJoin> joins,
                      dev.panamax.net.Network network, Optional<String> domainname, boolean mountProc,
                      Filesystem fs) {
        for (Map.Entry<String, String> e : sysctls.entrySet()) {
            String key = e.getKey();
            String field = "sysctl[" + key + "]";
            checkName(field, key);
            checkValue(field, e.getValue());
            String name = dotted(key);
            if (IPC.contains(name) || name.startsWith("fs.mqueue.")) {
                if (!namespaces.contains(Namespace.IPC) && !joined(joins, Namespace.IPC)) {
                    throw new InvalidSpecException(field, "not allowed in the host's IPC namespace: add Namespace.IPC");
                }
            } else if (name.startsWith("net.")) {
                if (network instanceof dev.panamax.net.Network.Join || joined(joins, Namespace.NET)) {
                    throw new InvalidSpecException(field, "not allowed in a joined network namespace (another's):"
                            + " net sysctls need the container's own");
                }
                if (!namespaces.contains(Namespace.NET)) {
                    throw new InvalidSpecException(field,
                            "not allowed in the host's network namespace: add Namespace.NET");
                }
            } else if (name.equals("kernel.domainname") && namespaces.contains(Namespace.UTS)) {
                if (domainname.isPresent()) {
                    throw new InvalidSpecException(field, "conflicts with domainname: set one of them");
                }
            } else if (name.equals("kernel.hostname") && namespaces.contains(Namespace.UTS)) {
                throw new InvalidSpecException(field, "conflicts with the hostname field: use hostname(...)");
            } else {
                throw new InvalidSpecException(field, "not in a separate kernel namespace of the container (allowed:"
                        + " kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.* with IPC, net.* with NET,"
                        + " kernel.domainname with UTS)");
            }
            if (!mountProc && fs.mounts().stream().noneMatch(m -> m instanceof Mount.Proc && m.target().equals("/proc"))) {
                throw new InvalidSpecException(field, "written below the container's /proc: mount one"
                        + " (a mount namespace with mountProc or a proc mount on /proc)");
            }
        }
    }

    private static boolean joined(List<NamespaceJoin> joins, Namespace ns) {
        return joins.stream().anyMatch(j -> j.namespaces().contains(ns));
    }

    private static void checkName(String field, String key) {
        if (key.isEmpty()) {
            throw new InvalidSpecException("sysctl", "an empty key");
        }
        for (String part : procPath(key).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new InvalidSpecException(field, "not a sysctl name (an empty, . or .. component)");
            }
        }
        if (key.indexOf('\0') >= 0) {
            throw new InvalidSpecException(field, "not a sysctl name (a NUL byte)");
        }
    }

    private static void checkValue(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidSpecException(field, "an empty value");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidSpecException(field, "the value holds a NUL byte");
        }
    }
}
