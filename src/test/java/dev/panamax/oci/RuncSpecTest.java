package dev.panamax.oci;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.Rlimit;
import dev.panamax.Stdio;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.DeviceRule;
import dev.panamax.mount.Mount;
import dev.panamax.mount.MountOption;
import dev.panamax.net.Network;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config.json that {@code runc spec} writes (runc is a Debian package .ci/deps installs) maps onto a spec. */
class RuncSpecTest {

    /** Runs {@code runc spec} with {@code args} in {@code bundle} and returns the config it wrote. */
    private static Path runcSpec(Path bundle, String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/runc")) || Files.isExecutable(Path.of("/usr/sbin/runc")),
                "runc is not installed (.ci/deps installs the Debian package runc)");
        List<String> command = new java.util.ArrayList<>(List.of("runc", "spec"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(bundle.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "runc spec: " + output);
        Files.createDirectories(bundle.resolve("rootfs"));
        return bundle.resolve("config.json");
    }

    @Test
    void runcSpecBecomesTheSameContainer(@TempDir Path bundle) throws Exception {
        OciConfig config = OciConfig.read(runcSpec(bundle));
        assertTrue(config.ociVersion().startsWith("1."), config.ociVersion());
        assertTrue(config.terminal());
        ContainerSpec spec = config.toSpec(bundle);

        assertEquals(Optional.of(bundle.resolve("rootfs").toAbsolutePath()), spec.rootfs());
        assertTrue(spec.filesystem().readOnlyRoot());
        assertEquals(Optional.of("runc"), spec.hostname());
        assertEquals(List.of("sh"), spec.process().argv());
        assertEquals(Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM", "xterm"),
                spec.process().environment());
        assertEquals("/", spec.process().workingDirectory());
        assertInstanceOf(Stdio.Pty.class, spec.process().stdin(), "process.terminal gives a terminal");
        // the cgroup mount brings a cgroup namespace: the view shows the container's own cgroup only
        assertEquals(EnumSet.of(Namespace.PID, Namespace.NET, Namespace.IPC, Namespace.UTS, Namespace.MOUNT,
                Namespace.CGROUP), spec.namespaces());
        Set<Capability> three = EnumSet.of(Capability.AUDIT_WRITE, Capability.KILL, Capability.NET_BIND_SERVICE);
        assertEquals(three, spec.hardening().capabilities());
        assertEquals(Set.of(), spec.hardening().ambientCapabilities(),
                "runc spec's ambient capabilities are not inheritable: the kernel cannot raise them");
        assertEquals(Map.of(Rlimit.NOFILE, new Rlimit.Value(1024, 1024)), spec.hardening().rlimits());
        assertTrue(spec.hardening().noNewPrivileges());
        assertEquals(Optional.empty(), spec.hardening().seccomp(), "runc spec has no seccomp section");

        assertTrue(spec.mountProc());
        assertTrue(spec.filesystem().minimalDev(), "the /dev tmpfs is the minimal /dev");
        assertEquals(List.of(new Mount.Devpts("/dev/pts"),
                Mount.tmpfs("/dev/shm").withMode(01777).withSize(DataSize.ofKilobytes(65536))
                        .withOptions(MountOption.NOSUID, MountOption.NOEXEC, MountOption.NODEV),
                new Mount.Mqueue("/dev/mqueue"), new Mount.Sysfs("/sys", false), new Mount.CgroupView("/sys/fs/cgroup")),
                spec.filesystem().mounts());
        assertEquals(List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"),
                spec.filesystem().maskedPaths());
        assertEquals(List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
                spec.filesystem().readOnlyPaths());
        List<DeviceRule> devices = spec.resources().orElseThrow().devices();
        assertEquals(DeviceRule.deny("a"), devices.get(0), "the config's deny-all, then the default devices again");
        assertEquals(DeviceRule.allow("c 136:* rwm"), devices.get(devices.size() - 1));

        String plan = Launcher.plan(spec);
        assertTrue(plan.contains("pivot_root"), plan);
        assertTrue(plan.contains("\"runc\""), "the plan sets the hostname:\n" + plan);
    }

    @Test
    void rootlessRuncSpecGetsAUserNamespaceAndTheHostsSysReadOnly(@TempDir Path bundle) throws Exception {
        ContainerSpec spec = OciConfig.read(runcSpec(bundle, "--rootless")).toSpec(bundle);
        assertTrue(spec.has(Namespace.USER));
        assertFalse(spec.has(Namespace.NET), "runc spec --rootless shares the host's network");
        assertInstanceOf(Network.Host.class, spec.network().mode());
        assertEquals(1, spec.users().uidMap().size());
        assertEquals(0, spec.users().uidMap().get(0).containerId());
        Mount.Bind sys = spec.filesystem().mounts().stream().filter(m -> m.target().equals("/sys"))
                .map(Mount.Bind.class::cast).findFirst().orElseThrow();
        assertEquals(Path.of("/sys"), sys.source());
        assertTrue(sys.readOnly() && sys.recursive(), sys.toString());
        assertEquals(Set.of(MountOption.NOSUID, MountOption.NOEXEC, MountOption.NODEV), sys.options());
        assertEquals(Optional.empty(), spec.resources(), "no resources section: no cgroup of its own");
    }
}
