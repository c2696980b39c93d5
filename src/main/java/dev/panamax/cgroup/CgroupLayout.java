package dev.panamax.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The cgroup hierarchies mounted on this host, from {@code /proc/self/mountinfo}.
 *
 * @param v1 the v1 hierarchies that carry at least one controller Panamax knows (named ones like name=systemd are left out)
 * @param unified the cgroup2 hierarchy, if mounted
 */
record CgroupLayout(List<Hierarchy> v1, Optional<Hierarchy> unified) {

    /**
     * One mounted hierarchy.
     *
     * @param mount where it is mounted
     * @param root the cgroup that the mount shows at {@code mount} (not "/" inside a cgroup namespace or bind mount)
     * @param controllers the controllers it carries; for v2, those in the root's {@code cgroup.controllers}
     * @param v2 whether this is the cgroup2 hierarchy
     */
    record Hierarchy(Path mount, String root, Set<Controller> controllers, boolean v2) {
        Hierarchy {
            controllers = controllers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(controllers));
        }
    }

    CgroupLayout {
        v1 = List.copyOf(v1);
    }

    static CgroupLayout detect() {
        try {
            return parse(Files.readString(Path.of("/proc/self/mountinfo")),
                    mount -> CgroupFs.readIfExists(mount.resolve("cgroup.controllers")).orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/self/mountinfo", e);
        }
    }

    /**
     * Parses mountinfo text; {@code v2Controllers} reads the root {@code cgroup.controllers} of a cgroup2 mount.
     * The first mount of each hierarchy wins, as bind mounts of it come later.
     */
    static CgroupLayout parse(String mountinfo, Function<Path, String> v2Controllers) {
        List<Hierarchy> v1 = new ArrayList<>();
        Hierarchy unified = null;
        Set<Controller> seen = EnumSet.noneOf(Controller.class);
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            String root = unescape(before[3]);
            Path mount = Path.of(unescape(before[4]));
            if (after[0].equals("cgroup2") && unified == null) {
                Set<Controller> controllers = EnumSet.noneOf(Controller.class);
                for (String name : v2Controllers.apply(mount).strip().split("\\s+")) {
                    Controller.ofV2(name).ifPresent(controllers::add);
                }
                unified = new Hierarchy(mount, root, controllers, true);
            } else if (after[0].equals("cgroup")) {
                Set<Controller> controllers = EnumSet.noneOf(Controller.class);
                for (String option : after[2].split(",")) {
                    Controller.ofV1(option).ifPresent(controllers::add);
                }
                if (!controllers.isEmpty() && !seen.containsAll(controllers)) {
                    seen.addAll(controllers);
                    v1.add(new Hierarchy(mount, root, controllers, false));
                }
            }
        }
        if (unified != null) {
            // In hybrid mode a controller bound to a v1 hierarchy cannot be used on v2, whatever the file says.
            Set<Controller> free = EnumSet.noneOf(Controller.class);
            free.addAll(unified.controllers());
            free.removeAll(seen);
            unified = new Hierarchy(unified.mount(), unified.root(), free, true);
        }
        return new CgroupLayout(v1, Optional.ofNullable(unified));
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    CgroupMode mode() {
        if (unified.isEmpty()) {
            return CgroupMode.V1;
        }
        return v1.isEmpty() ? CgroupMode.V2 : CgroupMode.HYBRID;
    }

    /** The hierarchy that drives {@code controller}: its v1 mount, else the unified one if it offers it. */
    Optional<Hierarchy> hierarchyOf(Controller controller) {
        for (Hierarchy h : v1) {
            if (h.controllers().contains(controller)) {
                return Optional.of(h);
            }
        }
        return unified.filter(h -> h.controllers().contains(controller));
    }

    /** All hierarchies, v1 first, then the unified one. */
    List<Hierarchy> all() {
        List<Hierarchy> all = new ArrayList<>(v1);
        unified.ifPresent(all::add);
        return all;
    }

    /** The same host seen without its v1 hierarchies, to drive the v2 hierarchy alone (tests, and pure v2 hosts). */
    CgroupLayout unifiedOnly() {
        return new CgroupLayout(List.of(), unified);
    }

    /** The same host seen without its v2 hierarchy, to drive v1 alone as on a pure v1 host. */
    CgroupLayout v1Only() {
        return new CgroupLayout(v1, Optional.empty());
    }

    /** The cgroup path of this process in each hierarchy, from /proc/self/cgroup: v1 by controller, v2 under "". */
    static Map<String, String> ownCgroups(String procSelfCgroup) {
        java.util.HashMap<String, String> paths = new java.util.HashMap<>();
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                for (String name : f[1].split(",")) {
                    paths.put(name, f[2].strip());
                }
            }
        }
        return paths;
    }
}
