package dev.panamax;

import dev.panamax.spec.InvalidSpecException;

import java.util.List;
import java.util.Objects;

/**
 * The id mappings of a container's user namespace: what {@code uid_map} and {@code gid_map} will say.
 * Both lists are empty exactly when the container has no user namespace ({@link #NONE}).
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder()
 *     .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID)
 *     .uidMap(IdMap.of(0, 1000, 1), IdMap.of(1, 100000, 65536))
 *     .gidMap(IdMap.of(0, 1000, 1), IdMap.of(1, 100000, 65536))
 *     ...
 *     .build();
 * spec.users().uidMap();   // the two ranges above
 * }</pre>
 *
 * <p><b>Rootless containers.</b> With {@link ContainerSpec.Builder#mapCurrentUserToRoot()} an unprivileged user
 * gets user + mount + pid + uts + ipc (+ net) namespaces and is root inside, itself outside:
 * <ul>
 *   <li>The rootfs should be owned by that user (it is root's inside); files of unmapped owners show as
 *       {@code nobody} and the container's root has no capability over them (a root-owned mode-600 file
 *       stays unreadable).</li>
 *   <li>/proc is mounted before {@code pivot_root}: the kernel mounts proc in a user namespace only while a
 *       fully visible proc (the host's, no path masked by an over-mount) is still in the mount namespace.</li>
 *   <li>Device nodes cannot be made ({@code mknod} needs CAP_MKNOD in the initial namespace); like podman and
 *       bubblewrap, rootless containers get /dev nodes by bind-mounting the host's (the filesystem steps do
 *       that); nothing here calls mknod.</li>
 *   <li>With only its own gid mapped, the caller must deny {@code setgroups} (a kernel rule), so the
 *       container keeps the host's supplementary groups (shown as {@code nogroup}) and cannot change them;
 *       map a range from /etc/subgid (through newgidmap) to get setgroups back.</li>
 *   <li>Several ranges need the setuid helpers newuidmap/newgidmap (package uidmap) and an entry in
 *       /etc/subuid and /etc/subgid; as root every map is written directly.</li>
 *   <li>Joining an <em>existing</em> user namespace is not supported: the kernel refuses
 *       {@code setns(CLONE_NEWUSER)} to a process that shares memory ({@code CLONE_VM}), which the launcher's
 *       child does; it would need a fork-mode child.</li>
 * </ul>
 *
 * <p>Rules (checked here, so in {@link ContainerSpec.Builder#build()}): no two ranges of one map overlap,
 * neither inside the container nor on the host (the kernel refuses both), and a map has at most
 * {@value #MAX_RANGES} ranges (the kernel's limit since Linux 4.15).
 *
 * @param uidMap the uid ranges, in the order they are written
 * @param gidMap the gid ranges, in the order they are written
 */
public record UserNamespaceSpec(List<IdMap> uidMap, List<IdMap> gidMap) {

    /** The kernel's limit on lines in one map file. */
    public static final int MAX_RANGES = 340;

    /** No user namespace. */
    public static final UserNamespaceSpec NONE = new UserNamespaceSpec(List.of(), List.of());

    /** Checks the rules above; the lists are copied. */
    public UserNamespaceSpec {
        uidMap = List.copyOf(uidMap);
        gidMap = List.copyOf(gidMap);
        check("uidMap", uidMap);
        check("gidMap", gidMap);
        if (uidMap.isEmpty() != gidMap.isEmpty()) {
            throw new InvalidSpecException(uidMap.isEmpty() ? "uidMap" : "gidMap",
                    "a user namespace needs both a uid map and a gid map");
        }
    }

    /** {@return true when there is a user namespace to map} */
    public boolean present() {
        return !uidMap.isEmpty();
    }

    /**
     * {@return true when {@code uid} inside the container is mapped}
     *
     * @param uid a user id inside the container
     */
    public boolean mapsUid(long uid) {
        return uidMap.stream().anyMatch(m -> m.mapsContainerId(uid));
    }

    /**
     * {@return true when {@code gid} inside the container is mapped}
     *
     * @param gid a group id inside the container
     */
    public boolean mapsGid(long gid) {
        return gidMap.stream().anyMatch(m -> m.mapsContainerId(gid));
    }

    private static void check(String field, List<IdMap> map) {
        map.forEach(m -> Objects.requireNonNull(m, field + " has a null range"));
        if (map.size() > MAX_RANGES) {
            throw new InvalidSpecException(field, "has " + map.size() + " ranges, the kernel allows " + MAX_RANGES);
        }
        for (int i = 0; i < map.size(); i++) {
            for (int j = i + 1; j < map.size(); j++) {
                IdMap a = map.get(i);
                IdMap b = map.get(j);
                if (a.overlapsInContainer(b)) {
                    throw new InvalidSpecException(field, "ranges " + i + " (" + a + ") and " + j + " (" + b
                            + ") overlap inside the container");
                }
                if (a.overlapsOnHost(b)) {
                    throw new InvalidSpecException(field, "ranges " + i + " (" + a + ") and " + j + " (" + b
                            + ") overlap on the host");
                }
            }
        }
    }
}
