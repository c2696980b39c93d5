package dev.panamax;

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

    /** True when there is a user namespace to map. */
    public boolean present() {
        return !uidMap.isEmpty();
    }

    /** True when {@code uid} inside the container is mapped. */
    public boolean mapsUid(long uid) {
        return uidMap.stream().anyMatch(m -> m.mapsContainerId(uid));
    }

    /** True when {@code gid} inside the container is mapped. */
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
