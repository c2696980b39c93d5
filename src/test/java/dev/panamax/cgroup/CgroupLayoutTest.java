package dev.panamax.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
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
    void thisHostIsDetected() throws Exception {
        // an independent reading: /proc/self/mounts ("source target fstype options ...") rather than mountinfo
        Set<Path> v1 = new HashSet<>();
        Set<Path> v2 = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            Path target = Path.of(f[1].replace("\\040", " "));
            if (f[2].equals("cgroup2")) {
                v2.add(target);
            } else if (f[2].equals("cgroup") && Arrays.stream(f[3].split(",")).anyMatch(CONTROLLERS::contains)) {
                v1.add(target);
            }
        }
        assertTrue(!v1.isEmpty() || !v2.isEmpty(), "this host mounts no cgroup hierarchy");
        CgroupMode expected = v1.isEmpty() ? CgroupMode.V2 : v2.isEmpty() ? CgroupMode.V1 : CgroupMode.HYBRID;
        CgroupLayout l = CgroupLayout.detect();
        assertEquals(expected, l.mode(), "v1 " + v1 + ", v2 " + v2);
        for (CgroupLayout.Hierarchy h : l.all()) {
            assertTrue((h.v2() ? v2 : v1).contains(h.mount()), h + " among v1 " + v1 + ", v2 " + v2);
            assertTrue(Files.exists(h.mount().resolve("cgroup.procs")), h.toString());
        }
    }

    /** The v1 controller names that {@link Controller} knows, as mount options. */
    private static final Set<String> CONTROLLERS = Set.of("memory", "cpu", "cpuacct", "cpuset", "pids", "blkio",
            "hugetlb", "net_cls", "net_prio", "devices", "freezer");
}
