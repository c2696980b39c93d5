package dev.panamax;

import dev.panamax.cgroup.CgroupManager;
import dev.panamax.cgroup.DeviceRule;
import dev.panamax.cgroup.Resources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A root container with a cgroup gets the OCI default device allow-list (v1 devices controller here, an eBPF
 * device program in the v2 VM): with CAP_MKNOD kept (the OCI default set), it still cannot make or open a
 * device outside the list; its own /dev works; a rule of the spec adds a device. Without a device cgroup,
 * CAP_MKNOD goes and the rootfs is nodev. A static probe makes the calls from inside.
 */
@Tag("cgroup")
class DeviceTest extends BusyboxTest {

    @BeforeAll
    static void installProbe() {
        Probe.installInto(root.path());
    }

    private static Run probe(Resources resources, String args) {
        return Run.of(spec(resources, args)).ok();
    }

    private static ContainerSpec.Builder spec(Resources resources, String args) {
        ContainerSpec.Builder b = ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", "probe " + args);
        return resources == null ? b : b.resources(resources);
    }

    private static Resources limited() {
        return Resources.builder().pidsMax(50).build();
    }

    /** major:minor of the host's first disk, e.g. "254 0" for vda; sda's "8 0" where there is none (a VM). */
    private static String hostDisk() throws IOException {
        try (Stream<Path> disks = Files.list(Path.of("/sys/block"))) {
            java.util.Optional<Path> disk = disks.filter(d -> !d.getFileName().toString().startsWith("loop")
                    && !d.getFileName().toString().startsWith("zram")).sorted().findFirst();
            return disk.isEmpty() ? "8 0" : Files.readString(disk.get().resolve("dev")).strip().replace(':', ' ');
        }
    }

    @Test
    void devicesOutsideTheAllowListCannotBeMadeOrOpened() throws IOException {
        assumeTrue(CgroupManager.hostControlsDevices(),
                "no device cgroup here: no v1 devices controller, and no v2 device program (not root, or bpf refused)");
        for (String device : new String[] {"c 1 11" /* kmsg */, "c 4 1" /* tty1 */, "c 10 200" /* net/tun */,
                "b " + hostDisk() /* the host's disk */}) {
            assertEquals("mknod EPERM open -\n", probe(limited(), "mknod /tmp/node " + device).stdout(), device);
        }
        // control: without a cgroup and with CAP_MKNOD asked for, the same calls work (in /dev: the rootfs is
        // nodev without a device cgroup): the cgroup is what refuses
        String control = Run.of(spec(null, "mknod /dev/node c 1 11").addCapability(Capability.MKNOD)).ok().stdout();
        assertTrue(control.startsWith("mknod OK"), control);
    }

    @Test
    void theContainersOwnDevNodesAndPseudoTerminalsStillWork() {
        assumeTrue(CgroupManager.hostControlsDevices(), "no device cgroup here (see above)");
        for (String node : new String[] {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                "/dev/ptmx"}) {
            assertEquals("OK\n", probe(limited(), "open " + node).stdout(), node);
        }
        String tty = probe(limited(), "open /dev/tty").stdout();
        assertNotEquals("EPERM\n", tty, "/dev/tty is on the list (without a controlling terminal: ENXIO)");
        String pts = probe(limited(), "mknod /tmp/pts0 c 136 0").stdout();
        assertTrue(pts.startsWith("mknod OK open "), pts);
        assertNotEquals("mknod OK open EPERM\n", pts, "pseudo terminals are on the list");
        Run shell = Run.of(ContainerSpec.builder().rootfs(root.path()).resources(limited())
                .command("sh", "-c", "echo x > /dev/null && head -c 4 /dev/urandom | wc -c")).ok();
        assertEquals("4", shell.stdout().strip());
    }

    @Test
    void withoutADeviceCgroupNoDeviceCanBeMadeAtAll() {
        assertFalse(ContainerSpec.builder().rootfs(root.path()).command("true").build().hardening().capabilities()
                .contains(Capability.MKNOD), "no cgroup: CAP_MKNOD leaves the default set");
        for (String device : new String[] {"c 1 11", "c 10 200", "c 1 3"}) {
            assertEquals("mknod EPERM open -\n", probe(null, "mknod /tmp/node " + device).stdout(), device);
        }
        assertEquals("OK\n", probe(null, "open /dev/null").stdout(), "the minimal /dev still works");
        boolean withCgroup = ContainerSpec.builder().rootfs(root.path()).command("true").resources(limited()).build()
                .hardening().capabilities().contains(Capability.MKNOD);
        assertEquals(CgroupManager.hostControlsDevices(), withCgroup, "kept where the device cgroup applies");
    }

    @Test
    void withoutADeviceCgroupANodeTheRootfsHoldsDoesNotOpen() throws Exception {
        Path node = root.path().resolve("tmp/hostnull");
        Process mknod = new ProcessBuilder("mknod", node.toString(), "c", "1", "3").inheritIO().start();
        assertEquals(0, mknod.waitFor(), "made /tmp/hostnull (1:3) in the rootfs from the host");
        try {
            assertEquals("EACCES\n", probe(null, "open /tmp/hostnull").stdout(), "the rootfs is nodev");
            assertEquals("OK\n", probe(null, "open /dev/null").stdout(), "the minimal /dev is not");
            if (CgroupManager.hostControlsDevices()) {
                assertEquals("OK\n", probe(limited(), "open /tmp/hostnull").stdout(),
                        "with a device cgroup the allow-list decides (1:3 is on it), not nodev");
            }
        } finally {
            Files.deleteIfExists(node);
        }
    }

    @Test
    void aRuleOfTheSpecAddsADevice() {
        assumeTrue(CgroupManager.hostControlsDevices(), "no device cgroup here (see above)");
        Resources withTun = Resources.builder().pidsMax(50).device(DeviceRule.allow("c 10:200 rwm")).build();
        String tun = probe(withTun, "mknod /tmp/node c 10 200").stdout();
        // allowed by the cgroup: made, and opened (read-only: no interface is made), or ENODEV without the driver
        assertTrue(tun.equals("mknod OK open OK\n") || tun.equals("mknod OK open No such device\n"), tun);
        assertEquals("mknod EPERM open -\n", probe(withTun, "mknod /tmp/node c 1 11").stdout(), "the rest stays denied");
    }
}
