package dev.panamax.oci;

import java.util.Map;

/** The JSON path of {@code config.json} that a field of {@code ContainerSpec} (as its errors name it) comes from. */
final class SpecFields {
    private static final Map<String, String> PATHS = Map.ofEntries(
            Map.entry("hostname", "hostname"), Map.entry("domainname", "domainname"),
            Map.entry("rootfs", "root.path"), Map.entry("readOnlyRoot", "root.readonly"),
            Map.entry("command", "process.args"), Map.entry("environment", "process.env"),
            Map.entry("workingDirectory", "process.cwd"), Map.entry("user", "process.user"),
            Map.entry("identity", "process.user"), Map.entry("supplementaryGroups", "process.user.additionalGids"),
            Map.entry("umask", "process.user.umask"), Map.entry("oomScoreAdj", "process.oomScoreAdj"),
            Map.entry("rlimit", "process.rlimits"), Map.entry("capabilities", "process.capabilities.bounding"),
            Map.entry("ambientCapabilities", "process.capabilities.ambient"), Map.entry("mounts", "mounts"),
            Map.entry("mount", "mounts"), Map.entry("mountProc", "mounts"), Map.entry("minimalDev", "mounts"),
            Map.entry("maskedPaths", "linux.maskedPaths"), Map.entry("readOnlyPaths", "linux.readonlyPaths"),
            Map.entry("namespaces", "linux.namespaces"), Map.entry("joins", "linux.namespaces"),
            Map.entry("network", "linux.namespaces"), Map.entry("uidMap", "linux.uidMappings"),
            Map.entry("gidMap", "linux.gidMappings"), Map.entry("IdMap", "linux.uidMappings"),
            Map.entry("seccomp", "linux.seccomp"), Map.entry("resources", "linux.resources"),
            Map.entry("sysctl", "linux.sysctl"), Map.entry("appArmorProfile", "process.apparmorProfile"));

    private SpecFields() {
    }

    /**
     * The core's message for an error at {@code path}: without its own {@code field: } prefix when the path
     * already ends with that field ({@code hostname: hostname: is 70 bytes} would say it twice).
     */
    static String reason(String path, dev.panamax.spec.InvalidSpecException e) {
        String prefix = e.field() + ": ";
        return (path.endsWith(e.field()) || e.field().startsWith("sysctl[")) && e.getMessage().startsWith(prefix)
                ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }

    /** {@code field}'s JSON path: its first word ({@code mount.target}, {@code rlimit[NOFILE]}) looked up. */
    static String path(String field) {
        String head = field.split("[.\\[]", 2)[0];
        if (head.equals("sysctl") && field.startsWith("sysctl[") && field.endsWith("]")) {
            return "linux.sysctl." + field.substring("sysctl[".length(), field.length() - 1);
        }
        return PATHS.getOrDefault(head, field);
    }
}
