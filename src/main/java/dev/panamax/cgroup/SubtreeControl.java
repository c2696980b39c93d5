package dev.panamax.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Enables v2 controllers in {@code cgroup.subtree_control} along a parent chain, as far as they are delegated. */
final class SubtreeControl {

    private SubtreeControl() {
    }

    /**
     * Enables {@code required} and, where possible, {@code optional} controllers in every cgroup from the hierarchy's
     * mount down to {@code parent}, so that children of {@code parent} get them.
     *
     * @return the controllers children of {@code parent} will have (all of required, some of optional)
     * @throws CgroupException naming the cgroup that lacks a required controller and why it cannot be enabled
     */
    static Set<Controller> enable(Path mount, Path parent, Set<Controller> required, Set<Controller> optional) {
        Set<Controller> wanted = EnumSet.noneOf(Controller.class);
        wanted.addAll(required);
        wanted.addAll(optional);
        for (Path dir : chain(mount, parent)) {
            Path control = dir.resolve("cgroup.subtree_control");
            List<String> enabled = words(CgroupFs.read(control));
            List<String> available = words(CgroupFs.read(dir.resolve("cgroup.controllers")));
            for (Controller c : Set.copyOf(wanted)) {
                if (enabled.contains(c.v2Name)) {
                    continue;
                }
                String why = null;
                if (!available.contains(c.v2Name)) {
                    why = "the parent does not delegate it (" + dir.resolve("cgroup.controllers") + " offers only "
                            + (available.isEmpty() ? "none" : String.join(" ", available)) + ")";
                } else {
                    try {
                        CgroupFs.write(control, "+" + c.v2Name);
                    } catch (CgroupException e) {
                        why = e.getMessage() + hint(e.getMessage());
                    }
                }
                if (why != null) {
                    if (required.contains(c)) {
                        throw new CgroupException("controller " + c.v2Name + " is not enabled in " + control
                                + " and cannot be enabled: " + why);
                    }
                    wanted.remove(c);
                }
            }
        }
        return wanted;
    }

    private static String hint(String message) {
        if (message.contains("EBUSY")) {
            return "; the cgroup has processes of its own, and v2 allows controllers only for cgroups without "
                    + "(move them into a leaf cgroup first)";
        }
        if (message.contains("EACCES") || message.contains("EPERM")) {
            return "; the cgroup is not delegated to this user (systemd: Delegate=yes)";
        }
        return "";
    }

    /** mount, mount/a, mount/a/b, ... parent. */
    private static List<Path> chain(Path mount, Path parent) {
        List<Path> chain = new ArrayList<>();
        for (Path p = parent; p != null && p.startsWith(mount); p = p.getParent()) {
            chain.addFirst(p);
        }
        return chain;
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
    }
}
