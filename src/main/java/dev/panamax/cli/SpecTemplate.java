package dev.panamax.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The starter config.json that {@code spec} writes: runc's ({@code runc spec}), field for field, but the
 * runtime-spec version and the hostname. The rootless variant is runc's too: no network namespace (there is no
 * network to give), a user namespace mapping the caller's ids to root, {@code /sys} bound from the host
 * (sysfs cannot be mounted without a network namespace of one's own), no device rules, no {@code gid=5} on
 * devpts (the group is not mapped).
 */
final class SpecTemplate {
    /** The capabilities runc's starter gives, in its order. */
    private static final List<String> CAPABILITIES = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    private SpecTemplate() {
    }

    /**
     * The document.
     *
     * @param rootless whether the container runs without root on the host
     * @param ids      the caller's ids (the rootless mappings' host ids)
     * @return the config.json tree, in the order runc writes it
     */
    static Map<String, Object> config(boolean rootless, ProcessIds ids) {
        Map<String, Object> config = object(
                "ociVersion", Version.SPEC,
                "process", object(
                        "terminal", true,
                        "user", object("uid", 0, "gid", 0),
                        "args", List.of("sh"),
                        "env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                "TERM=xterm"),
                        "cwd", "/",
                        "capabilities", object("bounding", CAPABILITIES, "effective", CAPABILITIES,
                                "permitted", CAPABILITIES, "ambient", CAPABILITIES),
                        "rlimits", List.of(object("type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024)),
                        "noNewPrivileges", true),
                "root", object("path", "rootfs", "readonly", true),
                "hostname", "panamax",
                "mounts", mounts(rootless),
                "linux", linux(rootless, ids));
        return config;
    }

    private static List<Object> mounts(boolean rootless) {
        List<String> devpts = new ArrayList<>(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620"));
        if (!rootless) {
            devpts.add("gid=5");
        }
        return List.of(
                object("destination", "/proc", "type", "proc", "source", "proc"),
                object("destination", "/dev", "type", "tmpfs", "source", "tmpfs",
                        "options", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                object("destination", "/dev/pts", "type", "devpts", "source", "devpts", "options", devpts),
                object("destination", "/dev/shm", "type", "tmpfs", "source", "shm",
                        "options", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                object("destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue",
                        "options", List.of("nosuid", "noexec", "nodev")),
                rootless
                        ? object("destination", "/sys", "type", "none", "source", "/sys",
                                "options", List.of("rbind", "nosuid", "noexec", "nodev", "ro"))
                        : object("destination", "/sys", "type", "sysfs", "source", "sysfs",
                                "options", List.of("nosuid", "noexec", "nodev", "ro")),
                object("destination", "/sys/fs/cgroup", "type", "cgroup", "source", "cgroup",
                        "options", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
    }

    private static Map<String, Object> linux(boolean rootless, ProcessIds ids) {
        Map<String, Object> linux = new LinkedHashMap<>();
        List<Object> namespaces = new ArrayList<>();
        namespaces.add(object("type", "pid"));
        if (rootless) {
            linux.put("uidMappings", List.of(object("containerID", 0, "hostID", ids.euid(), "size", 1)));
            linux.put("gidMappings", List.of(object("containerID", 0, "hostID", ids.egid(), "size", 1)));
        } else {
            linux.put("resources", object("devices", List.of(object("allow", false, "access", "rwm"))));
            namespaces.add(object("type", "network"));
        }
        namespaces.add(object("type", "ipc"));
        namespaces.add(object("type", "uts"));
        namespaces.add(object("type", "mount"));
        if (rootless) {
            namespaces.add(object("type", "user"));
        }
        linux.put("namespaces", namespaces);
        linux.put("maskedPaths", List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                "/proc/scsi"));
        linux.put("readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
        return linux;
    }

    /**
     * A JSON object from alternating names and values, in that order.
     *
     * @param namesAndValues name, value, name, value, ...
     * @return the object
     */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }
}
