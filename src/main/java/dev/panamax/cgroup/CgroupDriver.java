package dev.panamax.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** What differs between cgroup v1 and v2 for one hierarchy: file names, value formats, accounting, freezing. */
interface CgroupDriver {

    /**
     * The writes that apply the part of {@code r} that belongs to {@code controller}, in order.
     *
     * @throws CgroupException if this cgroup version cannot do what {@code r} asks of the controller
     */
    List<Write> writes(Controller controller, Resources r);

    /** Makes a new cgroup usable before any limit is written (v1 cpuset needs cpus and mems copied from the parent). */
    void prepare(Path parent, Path dir, Set<Controller> controllers);

    /** Adds what this hierarchy accounts for to {@code into}. */
    void collectStats(Path dir, Set<Controller> controllers, CgroupStats.Collector into);

    /** Kills by the OOM killer inside the cgroup; 0 if the file says none. */
    OptionalLong oomKills(Path dir);

    /** How a cgroup of this hierarchy is frozen, or null if it cannot be. */
    Freezer freezer(Path dir, Set<Controller> controllers);

    /** Every pid in the cgroup. */
    default List<Long> pids(Path dir) {
        return CgroupFs.read(dir.resolve("cgroup.procs")).lines()
                .filter(s -> !s.isBlank()).map(s -> Long.parseLong(s.strip())).toList();
    }

    /** {@code pids.events} "max": how often a fork failed because of pids.max. */
    default OptionalLong pidsMaxEvents(Path dir) {
        return CgroupFs.readKey(dir.resolve("pids.events"), "max");
    }
}
