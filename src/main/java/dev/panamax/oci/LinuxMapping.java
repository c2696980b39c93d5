package dev.panamax.oci;

import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.net.Network;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code linux} onto the builder: namespaces (new or joined by path), id mappings, devices, masked and
 * read-only paths, the rootfs propagation; resources and seccomp through {@link ResourcesMapping} and
 * {@link SeccompMapping}. See {@link OciConfig} for what is not supported.
 */
final class LinuxMapping {
    private static final Set<String> FIELDS = Set.of("namespaces", "uidMappings", "gidMappings", "timeOffsets",
            "devices", "netDevices", "cgroupsPath", "rootfsPropagation", "maskedPaths", "readonlyPaths",
            "mountLabel", "resources", "sysctl", "seccomp", "intelRdt", "personality", "memoryPolicy");
    private static final Map<String, Namespace> TYPES = Map.of("pid", Namespace.PID, "network", Namespace.NET,
            "mount", Namespace.MOUNT, "ipc", Namespace.IPC, "uts", Namespace.UTS, "user", Namespace.USER,
            "cgroup", Namespace.CGROUP, "time", Namespace.TIME);
    /** The devices Panamax's minimal /dev makes: path, major, minor (all character devices, mode 0666, root). */
    private static final Map<String, List<Integer>> DEFAULT_DEVICES = Map.of("/dev/null", List.of(1, 3),
            "/dev/zero", List.of(1, 5), "/dev/full", List.of(1, 7), "/dev/random", List.of(1, 8),
            "/dev/urandom", List.of(1, 9), "/dev/tty", List.of(5, 0));

    private LinuxMapping() {
    }

    /**
     * Maps {@code linux} (null: no namespace at all, as the runtime-spec says).
     *
     * @param cgroupView whether a mount shows the cgroup tree (it needs a cgroup namespace: one is added)
     */
    static void map(OciNode linux, boolean cgroupView, ContainerSpec.Builder b) {
        if (linux == null) {
            b.namespaces(EnumSet.noneOf(Namespace.class));
            b.network(Network.host());
            return;
        }
        linux.known(FIELDS);
        for (String field : List.of("intelRdt", "memoryPolicy", "netDevices", "timeOffsets")) {
            if (linux.has(field)) {
                throw new OciConfigException(linux.at(field), "not supported");
            }
        }
        for (String field : List.of("mountLabel")) {
            String label = linux.string(field);
            if (label != null && !label.isEmpty()) {
                throw new OciConfigException(linux.at(field), "not supported (Panamax applies no SELinux label)");
            }
        }
        linux.stringMap("sysctl").forEach(b::sysctl); // checked by the spec: errors name linux.sysctl.KEY
        personality(linux.object("personality"));
        namespaces(linux, cgroupView, b);
        b.uidMap(idMaps(linux, "uidMappings"));
        b.gidMap(idMaps(linux, "gidMappings"));
        devices(linux);
        b.maskedPaths(linux.strings("maskedPaths"));
        b.readOnlyPaths(linux.strings("readonlyPaths"));
        String propagation = linux.string("rootfsPropagation");
        if (propagation != null && !Set.of("", "private", "rprivate", "slave", "rslave").contains(propagation)) {
            throw new OciConfigException(linux.at("rootfsPropagation"), "\"" + propagation
                    + "\" not supported (Panamax's root is private; private, rprivate, slave and rslave are accepted)");
        }
        linux.string("cgroupsPath");
        OciNode resources = linux.object("resources");
        if (resources != null) {
            b.resources(ResourcesMapping.map(resources));
        }
        OciNode seccomp = linux.object("seccomp");
        if (seccomp == null) {
            b.noSeccomp();
        } else {
            b.seccomp(SeccompMapping.map(seccomp));
        }
    }

    private static void personality(OciNode p) {
        if (p == null) {
            return;
        }
        p.known(Set.of("domain", "flags"));
        if (!"LINUX".equals(p.string("domain")) || !p.strings("flags").isEmpty()) {
            throw new OciConfigException(p.path(), "not supported (only {\"domain\": \"LINUX\"}, the default)");
        }
    }

    private static void namespaces(OciNode linux, boolean cgroupView, ContainerSpec.Builder b) {
        EnumSet<Namespace> fresh = EnumSet.noneOf(Namespace.class);
        EnumSet<Namespace> joined = EnumSet.noneOf(Namespace.class);
        for (OciNode ns : linux.objects("namespaces")) {
            ns.known(Set.of("type", "path"));
            String type = ns.requiredString("type");
            Namespace n = TYPES.get(type);
            if (n == null) {
                throw new OciConfigException(ns.at("type"), "unknown namespace type \"" + type + "\" (pid, network,"
                        + " mount, ipc, uts, user, cgroup, time)");
            }
            if (fresh.contains(n) || joined.contains(n)) {
                throw new OciConfigException(ns.at("type"), "\"" + type + "\" is given twice");
            }
            String path = ns.string("path");
            if (path == null || path.isEmpty()) {
                fresh.add(n);
                continue;
            }
            if (!dev.panamax.NamespaceJoin.JOINABLE.contains(n)) {
                throw new OciConfigException(ns.at("path"), "joining a " + type + " namespace is not supported"
                        + " (joinable: network, ipc, uts, cgroup)");
            }
            if (!path.startsWith("/")) {
                throw new OciConfigException(ns.at("path"), "must be an absolute path, got \"" + path + "\"");
            }
            joined.add(n);
            if (n == Namespace.NET) {
                b.network(Network.join(Path.of(path)));
            } else {
                b.joinNamespace(n, Path.of(path));
            }
        }
        if (cgroupView && !joined.contains(Namespace.CGROUP)) {
            fresh.add(Namespace.CGROUP); // the view is the container's own cgroup: stricter than the host's tree
        }
        b.namespaces(fresh);
        if (!fresh.contains(Namespace.NET) && !joined.contains(Namespace.NET)) {
            b.network(Network.host());
        }
    }

    private static List<IdMap> idMaps(OciNode linux, String field) {
        List<IdMap> maps = new ArrayList<>();
        for (OciNode m : linux.objects(field)) {
            m.known(Set.of("containerID", "hostID", "size"));
            try {
                maps.add(IdMap.of(m.requiredInteger("containerID", 0, 0xFFFF_FFFFL),
                        m.requiredInteger("hostID", 0, 0xFFFF_FFFFL), m.requiredInteger("size", 0, 0xFFFF_FFFFL)));
            } catch (InvalidSpecException e) {
                throw new OciConfigException(m.path(), e.getMessage(), e);
            }
        }
        return maps;
    }

    /** Only the devices the minimal /dev makes anyway; others need a device node Panamax cannot create. */
    private static void devices(OciNode linux) {
        for (OciNode d : linux.objects("devices")) {
            d.known(Set.of("type", "path", "major", "minor", "fileMode", "uid", "gid"));
            String path = d.requiredString("path");
            List<Integer> numbers = DEFAULT_DEVICES.get(path);
            boolean same = numbers != null && "c".equals(d.string("type"))
                    && d.requiredInteger("major", 0, Integer.MAX_VALUE) == numbers.get(0)
                    && d.requiredInteger("minor", 0, Integer.MAX_VALUE) == numbers.get(1);
            Long mode = d.integer("fileMode", 0, 07777);
            same = same && (mode == null || mode == 0666);
            boolean root = zeroOrAbsent(d, "uid") && zeroOrAbsent(d, "gid");
            if (!same || !root) {
                throw new OciConfigException(d.path(), "device " + path + " not supported (Panamax makes only the"
                        + " default devices " + DEFAULT_DEVICES.keySet().stream().sorted().toList()
                        + ", character devices of mode 0666 owned by root)");
            }
        }
    }

    private static boolean zeroOrAbsent(OciNode d, String field) {
        Long v = d.integer(field, 0, 0xFFFF_FFFFL);
        return v == null || v == 0;
    }
}
