package dev.panamax.cgroup;

import java.util.Optional;

/** The controllers Panamax drives, with their names on cgroup v1 and v2 (null where a version has none). */
enum Controller {
    MEMORY("memory", "memory"),
    CPU("cpu", "cpu"),
    CPUACCT("cpuacct", null),
    CPUSET("cpuset", "cpuset"),
    PIDS("pids", "pids"),
    IO("blkio", "io"),
    HUGETLB("hugetlb", "hugetlb"),
    NET_CLS("net_cls", null),
    NET_PRIO("net_prio", null),
    DEVICES("devices", null),
    FREEZER("freezer", null);

    final String v1Name;
    final String v2Name;

    Controller(String v1Name, String v2Name) {
        this.v1Name = v1Name;
        this.v2Name = v2Name;
    }

    static Optional<Controller> ofV1(String name) {
        for (Controller c : values()) {
            if (c.v1Name.equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    static Optional<Controller> ofV2(String name) {
        for (Controller c : values()) {
            if (name.equals(c.v2Name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Either name: "blkio" and "io" both mean {@link #IO}. */
    static Optional<Controller> ofName(String name) {
        return ofV1(name).or(() -> ofV2(name));
    }
}
