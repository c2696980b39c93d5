package dev.panamax.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * The directory of one cgroup in one hierarchy.
 *
 * @param dir the cgroup's directory
 * @param driver v1 or v2 rules for that hierarchy
 * @param controllers the controllers this directory drives (for v2: enabled for it by its parent)
 * @param unified whether this is the v2 hierarchy (where cgroup.kill and cgroup.freeze live)
 */
record Node(Path dir, CgroupDriver driver, Set<Controller> controllers, boolean unified) {

    Node {
        controllers = Set.copyOf(controllers);
    }

    static CgroupDriver driverOf(CgroupLayout.Hierarchy h) {
        return h.v2() ? V2Driver.INSTANCE : V1Driver.INSTANCE;
    }
}
