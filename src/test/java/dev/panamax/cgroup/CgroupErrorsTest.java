package dev.panamax.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Host-side failures: each a specific message naming the cgroup, file or controller; nothing left behind. */
@Tag("cgroup")
class CgroupErrorsTest extends CgroupTestBase {



    private static String name(String test) {
        return "panamax-" + test + "-" + UUID.randomUUID();
    }

    @Test
    void parentThatDoesNotExist() {
        CgroupManager m = CgroupManager.withParent("/panamax-no-such-parent");
        CgroupException e = assertThrows(CgroupException.class, () -> m.create(name("parent"), Resources.NONE));
        assertTrue(e.getMessage().matches("parent cgroup /sys/fs/cgroup.*/panamax-no-such-parent does not exist"),
                e.getMessage());
    }

    @Test
    void controllerNotDelegatedOnV2() throws Exception {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(layout.unified().isPresent(), "host has no cgroup v2 hierarchy");
        // a parent with a process of its own cannot enable controllers for children (no internal processes);
        // on a hybrid host memory is not offered by the v2 hierarchy at all: either way it is not delegated
        CgroupManager outer = new CgroupManager(layout.unifiedOnly(), "/", false);
        Cgroup parent = fx.track(outer.create(name("nodeleg"), Resources.NONE));
        fx.startIn(parent, "exec sleep 1000");
        String parentPath = "/" + layout.unified().get().mount().relativize(parent.unifiedPath().orElseThrow());
        CgroupManager inner = new CgroupManager(layout.unifiedOnly(), parentPath, false);
        Resources memory = Resources.builder().memoryMax(DataSize.ofMegabytes(64)).build();
        CgroupException e = assertThrows(CgroupException.class, () -> inner.create("child", memory));
        assertTrue(e.getMessage().startsWith("controller memory is not enabled in /sys/fs/cgroup"), e.getMessage());
        assertTrue(e.getMessage().contains("/cgroup.subtree_control and cannot be enabled: "), e.getMessage());
        assertFalse(Files.exists(parent.unifiedPath().get().resolve("child")), "no child left behind");
    }

    @Test
    void deviceRulesOnV2() {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(layout.unified().isPresent(), "host has no cgroup v2 hierarchy");
        CgroupManager v2 = new CgroupManager(layout.unifiedOnly(), "/panamax-test-v2", true);
        Resources devices = Resources.builder().device(DeviceRule.deny("a")).build();
        CgroupException e = assertThrows(CgroupException.class, () -> v2.create(name("dev"), devices));
        assertTrue(e.getMessage().startsWith("device rules on cgroup v2 become an eBPF device program"), e.getMessage());
    }

    @Test
    void deviceRulesOnV1AreWritten() throws Exception {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(layout.hierarchyOf(Controller.DEVICES).isPresent(), "no v1 devices controller on this host");
        Cgroup cg = fx.track(CgroupManager.system().create(name("dev1"), Resources.builder()
                .device(DeviceRule.deny("a")).device(DeviceRule.allow("c 1:3 rwm")).build()));
        assertEquals("c 1:3 rwm", CgroupFixtures.read(cg.path("devices").orElseThrow().resolve("devices.list")));
    }

    @Test
    void v1OnlyControllerThatIsNotMounted() {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(layout.hierarchyOf(Controller.NET_CLS).isEmpty(), "net_cls is mounted here");
        Resources r = Resources.builder().netClassId(0x100001).build();
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupManager.system().create(name("netcls"), r));
        assertTrue(e.getMessage().startsWith(layout.v1().isEmpty()
                ? "netClassId needs cgroup v1 (net_cls)" : "controller net_cls is not mounted: "), e.getMessage());
    }

    @Test
    void writeTheKernelRefusesNamesFileValueAndErrno() {
        Cgroup cg = fx.track(CgroupManager.system().create(name("refuse"), Resources.NONE));
        Path pidsMax = cg.path("pids").orElseThrow().resolve("pids.max");
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupFs.write(pidsMax, "lots"));
        assertEquals("writing lots to " + pidsMax + ": EINVAL (Invalid argument)", e.getMessage());
    }

    @Test
    void addingAProcessThatDoesNotExist() {
        Cgroup cg = fx.track(CgroupManager.system().create(name("nopid"), Resources.NONE));
        CgroupException e = assertThrows(CgroupException.class, () -> cg.addProcess(999_999_999L));
        assertTrue(e.getMessage().startsWith("writing 999999999 to /sys/fs/cgroup"), e.getMessage());
        assertTrue(e.getMessage().endsWith("/cgroup.procs: ESRCH (No such process)"), e.getMessage());
    }

    @Test
    void nameThatExistsAlready() throws Exception {
        String name = name("twice");
        fx.track(CgroupManager.system().create(name, Resources.NONE));
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupManager.system().create(name, Resources.NONE));
        assertTrue(e.getMessage().matches("cgroup /sys/fs/cgroup/.*" + name + " already exists"), e.getMessage());
    }

    @Test
    void badNames() {
        for (String bad : new String[] {"", "a/b", "..", "."}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CgroupManager.system().create(bad, Resources.NONE));
            assertTrue(e.getMessage().startsWith("name: must be one path component"), e.getMessage());
        }
    }

    @Test
    void failedCreateLeavesNothingBehind() throws Exception {
        // the v1 memory hierarchy refuses nothing here, so make the kernel refuse: a cpuset without memory nodes
        // is impossible to express through Resources; use an io throttle on a device that does not exist instead
        Resources r = Resources.builder().ioThrottle(IoThrottle.parse("250:250", IoThrottle.Kind.READ_BPS, 1000))
                .build();
        assumeTrue(CgroupLayout.detect().hierarchyOf(Controller.IO).isPresent(), "no io controller");
        String name = name("undo");
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupManager.system().create(name, r));
        assertTrue(e.getMessage().startsWith("writing 250:250 "), e.getMessage());
        CgroupFixtures.await(() -> CgroupFixtures.panamaxCgroups().stream()
                .noneMatch(p -> p.getFileName().toString().equals(name)), Duration.ofSeconds(1), "nothing left");
    }
}
