package dev.panamax.cgroup;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Probe;
import dev.panamax.sys.Bpf;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The v2 device program in the kernel: the verifier accepts what the compiler makes, and attached to a
 * cgroup of the unified hierarchy it decides what a process in there may make and open (a static probe,
 * moved into the test cgroup, calls mknod and open).
 */
@Tag("cgroup")
class DeviceProgramKernelTest {

    private static Path unified() {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(layout.unified().isPresent(), "no cgroup v2 hierarchy mounted here");
        return layout.unified().get().mount();
    }

    @Test
    void theVerifierTakesEveryProgramTheCompilerMakes() throws Exception {
        unified();
        Random random = new Random(7);
        List<List<DeviceRule>> lists = new ArrayList<>(List.of(DeviceRule.DEFAULT_ALLOW_LIST, List.of()));
        for (int n = 0; n < 30; n++) {
            List<DeviceRule> rules = new ArrayList<>(DeviceRule.DEFAULT_ALLOW_LIST);
            for (int k = random.nextInt(12); k > 0; k--) {
                String access = List.of("r", "w", "m", "rw", "rwm").get(random.nextInt(5));
                String rule = (random.nextBoolean() ? "c " : "b ") + (random.nextBoolean() ? "*" : random.nextInt(300))
                        + ":" + (random.nextBoolean() ? "*" : random.nextInt(300)) + " " + access;
                rules.add(random.nextBoolean() ? DeviceRule.allow(rule) : DeviceRule.deny(rule));
            }
            lists.add(rules);
        }
        for (List<DeviceRule> rules : lists) {
            int prog = Bpf.loadCgroupDeviceProgram(DeviceProgram.compile(rules));
            // loaded means the verifier accepted it: the result is a descriptor of a BPF program
            assertEquals("anon_inode:bpf-prog", Files.readSymbolicLink(Path.of("/proc/self/fd/" + prog)).toString(),
                    rules.toString());
            Libc.close(prog);
        }
    }

    @Test
    void attachedToACgroupTheProgramDecidesWhatItsProcessesMakeAndOpen() throws Exception {
        Path cgroup = unified().resolve("panamax-test-bpf-" + ProcessHandle.current().pid());
        Files.createDirectory(cgroup);
        try (BusyboxRootfs tools = BusyboxRootfs.create()) {
            Probe.installInto(tools.path());
            List<DeviceRule> rules = new ArrayList<>(DeviceRule.DEFAULT_ALLOW_LIST);
            rules.add(DeviceRule.allow("c 10:200 rw")); // net/tun may be opened, not made
            int dir = Libc.open(cgroup.toString(), Abi.O_RDONLY | Abi.O_DIRECTORY | Abi.O_CLOEXEC, 0);
            int prog = Bpf.loadCgroupDeviceProgram(DeviceProgram.compile(rules));
            try {
                Bpf.attachCgroupDevice(dir, prog);
            } finally {
                Libc.close(prog);
                Libc.close(dir);
            }
            Path node = tools.path().resolve("tmp/node");
            assertEquals("mknod EPERM open -", inCgroup(cgroup, tools, "mknod " + node + " c 1 11"), "kmsg");
            assertEquals("mknod EPERM open -", inCgroup(cgroup, tools, "mknod " + node + " c 10 200"), "no m for tun");
            assertEquals("mknod OK open OK", inCgroup(cgroup, tools, "mknod " + node + " c 1 3"), "null");
            assertEquals("OK", inCgroup(cgroup, tools, "open /dev/null"));
            assertEquals("EPERM", inCgroup(cgroup, tools, "open /dev/kmsg"), "an existing node, not on the list");
        } finally {
            for (int i = 0; i < 100 && Files.exists(cgroup); i++) {
                try {
                    Files.delete(cgroup); // busy until the last probe is gone
                } catch (java.io.IOException busy) {
                    Thread.sleep(20);
                }
            }
        }
    }

    /** The probe's output, run by a shell that first moves itself into {@code cgroup}. */
    private static String inCgroup(Path cgroup, BusyboxRootfs tools, String args) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec "
                + tools.path().resolve("bin/probe") + " " + args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
