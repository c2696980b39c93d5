package dev.panamax.cgroup;

/**
 * How the host mounts cgroups.
 *
 * <pre>{@code
 * if (CgroupManager.system().mode() == CgroupMode.V1) { ... }
 * }</pre>
 */
public enum CgroupMode {
    /** Only cgroup v1 hierarchies, one per controller or group of controllers. */
    V1,
    /** Only the unified cgroup v2 hierarchy. */
    V2,
    /** v1 hierarchies for most controllers plus a v2 hierarchy (systemd's "hybrid", usually at /sys/fs/cgroup/unified). */
    HYBRID
}
