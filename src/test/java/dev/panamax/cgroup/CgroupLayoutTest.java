package dev.panamax.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Driver detection from mountinfo text of the three kinds of host, and path mapping. */
class CgroupLayoutTest {

    private static final String V2 = """
            35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
            """;
    private static final String V1 = """
            25 24 0:22 / /sys/fs/cgroup ro,nosuid shared:8 - tmpfs tmpfs ro,mode=755
            32 25 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            33 25 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            40 25 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
            41 25 0:29 / /srv/bind\\040me rw,relatime - cgroup cgroup rw,cpu,cpuacct
            """;
    private static final String HYBRID = V1 + """
            42 25 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    @Test
    void pureV2() {
        CgroupLayout l = CgroupLayout.parse(V2, mount -> "cpuset cpu io memory hugetlb pids rdma misc");
        assertEquals(CgroupMode.V2, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup"), l.hierarchyOf(Controller.MEMORY).orElseThrow().mount());
        assertEquals(Optional.empty(), l.hierarchyOf(Controller.DEVICES));
    }

    @Test
    void pureV1IgnoresNamedHierarchiesAndBindMounts() {
        CgroupLayout l = CgroupLayout.parse(V1, mount -> "");
        assertEquals(CgroupMode.V1, l.mode());
        assertEquals(2, l.v1().size());
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), l.hierarchyOf(Controller.CPUACCT).orElseThrow().mount());
    }

    @Test
    void hybridDrivesEachControllerWhereItIsMounted() {
        CgroupLayout l = CgroupLayout.parse(HYBRID, mount -> "memory hugetlb");
        assertEquals(CgroupMode.HYBRID, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup/memory"), l.hierarchyOf(Controller.MEMORY).orElseThrow().mount());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), l.hierarchyOf(Controller.HUGETLB).orElseThrow().mount());
        assertEquals(java.util.Set.of(Controller.HUGETLB), l.unified().orElseThrow().controllers());
    }

    @Test
    void pathsAreRelativeToTheMountedRoot() {
        var h = new CgroupLayout.Hierarchy(Path.of("/sys/fs/cgroup"), "/ns", java.util.Set.of(), true);
        assertEquals(Path.of("/sys/fs/cgroup/panamax"), CgroupManager.dirOf(h, "/ns/panamax"));
        assertEquals(Path.of("/sys/fs/cgroup"), CgroupManager.dirOf(h, "/ns"));
    }

    @Test
    void ownCgroups() {
        var own = CgroupLayout.ownCgroups("12:cpu,cpuacct:/a\n0::/user.slice/x.scope\n");
        assertEquals("/a", own.get("cpuacct"));
        assertEquals("/user.slice/x.scope", own.get(""));
    }

    @Test
    void thisHostIsDetected() {
        CgroupLayout l = CgroupLayout.detect();
        CgroupLayout.Hierarchy some = l.all().getFirst();
        assertEquals(true, java.nio.file.Files.exists(some.mount().resolve("cgroup.procs")), some.toString());
    }
}
