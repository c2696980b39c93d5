package dev.panamax;

import dev.panamax.spec.InvalidSpecException;

import java.util.List;
import java.util.Objects;

/**
 * Who the container's process is: uid, gid and supplementary gids as seen inside the container (inside its
 * user namespace if it has one, else on the host). Set with {@link ContainerSpec.Builder#user(long, long)} and
 * {@link ContainerSpec.Builder#supplementaryGroups(long...)}.
 *
 * <pre>{@code
 * ContainerSpec.builder().mapCurrentUserToRoot()
 *     .uidMap(IdMap.of(0, 1000, 1), IdMap.of(1, 100000, 65536))
 *     .gidMap(IdMap.of(0, 1000, 1), IdMap.of(1, 100000, 65536))
 *     .user(1000, 1000).supplementaryGroups(100)     // runs as 1000:1000 (host 100999) with group 100
 * }</pre>
 *
 * @param uid    the real, effective and saved uid
 * @param gid    the real, effective and saved gid
 * @param groups the supplementary gids (empty: none)
 */
public record ProcessIdentity(long uid, long gid, List<Long> groups) {

    /** The kernel's {@code NGROUPS_MAX}. */
    public static final int MAX_GROUPS = 65536;

    /** Checks every id and the number of groups. */
    public ProcessIdentity {
        groups = List.copyOf(groups);
        check("user.uid", uid);
        check("user.gid", gid);
        if (groups.size() > MAX_GROUPS) {
            throw new InvalidSpecException("supplementaryGroups", "has " + groups.size() + " gids, the kernel allows "
                    + MAX_GROUPS);
        }
        for (int i = 0; i < groups.size(); i++) {
            check("supplementaryGroups[" + i + "]", Objects.requireNonNull(groups.get(i), "supplementary gid"));
        }
    }

    /** {@return true for uid 0, gid 0 and no supplementary groups} */
    public boolean isRoot() {
        return uid == 0 && gid == 0 && groups.isEmpty();
    }

    private static void check(String field, long id) {
        if (id < 0 || id > IdMap.MAX_ID) {
            throw new InvalidSpecException(field, "must be in 0.." + IdMap.MAX_ID + ", got " + id);
        }
    }
}
