package dev.panamax;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import dev.panamax.program.Host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The user-namespace part of a spec: the builder's {@link Draft} with the map-me-to-root default, and the
 * rules {@link ContainerSpec}'s constructor checks (maps exactly with {@link Namespace#USER}, every id the
 * process will hold mapped).
 */
final class UserRules {
    private UserRules() {
    }

    /**
     * Maps exactly with a user namespace, and every id the process will hold mapped (or the kernel refuses
     * setresuid with EINVAL).
     */
    static void check(Set<Namespace> ns, UserNamespaceSpec users, Optional<ProcessIdentity> identity) {
        if (users.present() && !ns.contains(Namespace.USER)) {
            throw needsUserNamespace("uidMap");
        }
        if (!users.present() && ns.contains(Namespace.USER)) {
            throw new InvalidSpecException("uidMap", "a user namespace needs both a uid map and a gid map");
        }
        if (!users.present()) {
            return;
        }
        ProcessIdentity who = identity.orElse(new ProcessIdentity(0, 0, List.of()));
        String implied = identity.isEmpty() ? " (the process runs as root in the namespace unless user() says"
                + " otherwise)" : "";
        requireMapped("user.uid", "uid", who.uid(), users::mapsUid, users.uidMap(), implied);
        requireMapped("user.gid", "gid", who.gid(), users::mapsGid, users.gidMap(), implied);
        for (int i = 0; i < who.groups().size(); i++) {
            requireMapped("supplementaryGroups[" + i + "]", "gid", who.groups().get(i), users::mapsGid,
                    users.gidMap(), "");
        }
    }

    private static InvalidSpecException needsUserNamespace(String field) {
        return new InvalidSpecException(field,
                "id mappings need a user namespace (add Namespace.USER or call mapCurrentUserToRoot())");
    }

    private static void requireMapped(String field, String kind, long id, LongPredicate mapped, List<IdMap> map,
                                      String implied) {
        if (!mapped.test(id)) {
            throw new InvalidSpecException(field, kind + " " + id + " is not mapped by the " + kind + " map "
                    + map + implied);
        }
    }

    /** What the builder collected: defaults are applied here, the rules checked by the spec's constructor. */
    static final class Draft {
        private final List<IdMap> uidMap = new ArrayList<>();
        private final List<IdMap> gidMap = new ArrayList<>();
        private Long uid;
        private Long gid;
        private final List<Long> groups = new ArrayList<>();
        /** Whether the caller set the groups (an empty list included): an image's then give way. */
        private boolean groupsSet;

        void uidMap(List<IdMap> ranges) {
            uidMap.clear();
            uidMap.addAll(ranges);
        }

        void gidMap(List<IdMap> ranges) {
            gidMap.clear();
            gidMap.addAll(ranges);
        }

        void mapCurrentUserToRoot() {
            uidMap(List.of(IdMap.of(0, Host.current().euid(), 1)));
            gidMap(List.of(IdMap.of(0, Host.current().egid(), 1)));
        }

        void user(long uid, long gid) {
            this.uid = uid;
            this.gid = gid;
        }

        void groups(long... gids) {
            groupsSet = true;
            groups.clear();
            for (long g : gids) {
                groups.add(g);
            }
        }

        /**
         * The maps, after the defaults: with a user namespace, an empty map means container id 0 -> the
         * caller's effective id, count 1 (what {@code unshare -r} does), so {@code Namespace.USER} alone is a
         * working rootless container.
         */
        UserNamespaceSpec maps(Set<Namespace> ns) {
            if (!ns.contains(Namespace.USER)) {
                if (!uidMap.isEmpty() || !gidMap.isEmpty()) {
                    throw needsUserNamespace(uidMap.isEmpty() ? "gidMap" : "uidMap");
                }
                return UserNamespaceSpec.NONE;
            }
            List<IdMap> uids = uidMap.isEmpty()
                    ? List.of(IdMap.of(0, Host.current().euid(), 1)) : uidMap;
            List<IdMap> gids = gidMap.isEmpty()
                    ? List.of(IdMap.of(0, Host.current().egid(), 1)) : gidMap;
            return new UserNamespaceSpec(uids, gids);
        }

        /**
         * The process identity: empty means "root in the user namespace" with one, "whoever launches" without
         * (so groups without a user namespace need a user too). {@code fallback} (an image's user) applies
         * when neither {@code user} nor {@code supplementaryGroups} was called.
         */
        Optional<ProcessIdentity> identity(UserNamespaceSpec users, Optional<ProcessIdentity> fallback) {
            if (uid == null && !groupsSet && fallback.isPresent()) {
                return fallback;
            }
            if (uid == null && !groups.isEmpty() && !users.present()) {
                throw new InvalidSpecException("supplementaryGroups", "without a user namespace, set user(uid, gid) too");
            }
            return uid == null && groups.isEmpty() ? Optional.empty()
                    : Optional.of(new ProcessIdentity(uid == null ? 0 : uid, gid == null ? 0 : gid, groups));
        }

        /** Takes the maps and the identity of an existing spec (for {@link ContainerSpec#toBuilder()}). */
        void from(UserNamespaceSpec users, Optional<ProcessIdentity> identity) {
            uidMap(users.uidMap());
            gidMap(users.gidMap());
            identity.ifPresent(who -> {
                user(who.uid(), who.gid());
                groupsSet = true;
                groups.clear();
                groups.addAll(who.groups());
            });
        }
    }
}
