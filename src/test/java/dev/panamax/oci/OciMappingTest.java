package dev.panamax.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.NamespaceJoin;
import dev.panamax.ProcessIdentity;
import dev.panamax.Rlimit;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.DeviceRule;
import dev.panamax.cgroup.IoThrottle;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Mount;
import dev.panamax.mount.MountOption;
import dev.panamax.mount.Propagation;
import dev.panamax.net.Network;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each field of config.json lands in the spec field it names, converted as runc converts it. */
class OciMappingTest {
    @TempDir
    Path bundle;

    private ContainerSpec spec(ObjectNode config) throws IOException {
        Configs.bundle(bundle);
        return OciConfig.parse(Configs.bytes(config)).toSpec(bundle);
    }

    @Test
    void processArgsEnvCwdUserRlimitsAndOomScoreAreTheSpecsProcess() throws IOException {
        ObjectNode config = Configs.minimal();
        ObjectNode process = Configs.at(config, "process");
        process.set("env", Configs.array("[\"A=1\", \"B=x=y\", \"A=2\"]"));
        process.put("cwd", "/home/app");
        process.set("user", Configs.tree("{\"uid\": 1000, \"gid\": 100, \"umask\": 18, \"additionalGids\": [5, 27]}"));
        process.set("rlimits", Configs.array("""
                [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 4096},
                 {"type": "RLIMIT_CORE", "soft": 0, "hard": 18446744073709551615}]"""));
        process.put("oomScoreAdj", 100);
        ContainerSpec spec = spec(config);
        assertEquals(List.of("sh", "-c", "echo hi"), spec.process().argv());
        assertEquals(Map.of("A", "2", "B", "x=y"), spec.process().environment(), "exactly the list: no default PATH");
        assertEquals("/home/app", spec.process().workingDirectory());
        assertEquals(Optional.of(new ProcessIdentity(1000, 100, List.of(5L, 27L))), spec.identity());
        assertEquals(OptionalInt.of(022), spec.hardening().umask());
        assertEquals(Map.of(Rlimit.NOFILE, new Rlimit.Value(1024, 4096),
                Rlimit.CORE, new Rlimit.Value(0, Rlimit.UNLIMITED)), spec.hardening().rlimits());
        assertEquals(OptionalInt.of(100), spec.hardening().oomScoreAdj());
        assertFalse(spec.hardening().noNewPrivileges(), "noNewPrivileges is off unless the config says so");
        assertEquals(Set.of(), spec.hardening().capabilities(), "no capabilities object: none");
        assertEquals(Optional.empty(), spec.hardening().seccomp(), "no seccomp section: no filter");
        assertEquals(Optional.of("box"), spec.hostname());
    }

    @Test
    void boundingIsTheKeptSetAndRaisableAmbientCapabilitiesAreAmbient() throws IOException {
        ObjectNode config = Configs.minimal();
        Configs.at(config, "process").set("capabilities", Configs.tree("""
                {"bounding": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL"], "effective": ["CAP_CHOWN"],
                 "permitted": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL"], "inheritable": ["CAP_NET_RAW", "CAP_SYS_ADMIN"],
                 "ambient": ["CAP_NET_RAW", "CAP_KILL"]}"""));
        Configs.at(config, "process").put("noNewPrivileges", true);
        ContainerSpec spec = spec(config);
        assertEquals(EnumSet.of(Capability.CHOWN, Capability.NET_RAW, Capability.KILL), spec.hardening().capabilities());
        assertEquals(Set.of(Capability.NET_RAW), spec.hardening().ambientCapabilities(),
                "CAP_KILL is not inheritable, CAP_SYS_ADMIN is not bounding: neither can be ambient");
        assertTrue(spec.hardening().noNewPrivileges());
    }

    @Test
    void bindTmpfsSysfsAndProcMountsKeepTheirOptions() throws IOException {
        Files.createDirectories(bundle.resolve("data"));
        ObjectNode config = Configs.minimal();
        config.set("mounts", Configs.array("""
                [{"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "ro", "rslave", "nosuid", "nodev"]},
                 {"destination": "/etc/hosts", "source": "/etc/hosts", "options": ["bind", "noexec"]},
                 {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                  "options": ["noexec", "size=1m", "mode=700", "uid=1000", "gid=100"]},
                 {"destination": "/run", "type": "tmpfs", "source": "tmpfs"},
                 {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["rw", "relatime"]},
                 {"destination": "/proc2", "type": "proc", "source": "proc"}]"""));
        ContainerSpec spec = spec(config);
        assertEquals(List.of(
                new Mount.Bind(bundle.resolve("data").toRealPath(), "/data", true, true, Propagation.SLAVE,
                        Set.of(MountOption.NOSUID, MountOption.NODEV)),
                new Mount.Bind(Path.of("/etc/hosts").toRealPath(), "/etc/hosts", false, false, Propagation.PRIVATE,
                        Set.of(MountOption.NOEXEC)),
                Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(1)).withMode(0700).withOwner(1000, 100)
                        .withOptions(MountOption.NOEXEC),
                Mount.tmpfs("/run").withMode(01777).withOptions(),
                new Mount.Sysfs("/sys", true), new Mount.Proc("/proc2")), spec.filesystem().mounts());
        assertFalse(spec.mountProc(), "no proc mount on /proc: no /proc");
        assertTrue(spec.filesystem().minimalDev(), "no mount on /dev: the runtime still supplies the default devices");
        assertFalse(spec.filesystem().readOnlyRoot());
        assertEquals(List.of(), spec.filesystem().maskedPaths(), "no maskedPaths: nothing masked");
    }

    @Test
    void namespacesWithAPathAreJoinedAndUserNamespacesGetTheirMaps() throws IOException {
        ObjectNode config = Configs.minimal();
        ObjectNode linux = Configs.at(config, "linux");
        linux.set("namespaces", Configs.array("""
                [{"type": "pid"}, {"type": "mount"}, {"type": "network", "path": "/run/netns/pmx-oci-test"},
                 {"type": "ipc", "path": "/proc/1/ns/ipc"}, {"type": "uts"}, {"type": "time"}]"""));
        ContainerSpec spec = spec(config);
        assertEquals(EnumSet.of(Namespace.PID, Namespace.MOUNT, Namespace.UTS, Namespace.TIME), spec.namespaces());
        assertEquals(List.of(NamespaceJoin.path(Namespace.NET, Path.of("/run/netns/pmx-oci-test")),
                NamespaceJoin.path(Namespace.IPC, Path.of("/proc/1/ns/ipc"))), spec.joins());
        assertEquals(Network.join(Path.of("/run/netns/pmx-oci-test")), spec.network().mode());

        linux.set("namespaces", Configs.array("""
                [{"type": "pid"}, {"type": "mount"}, {"type": "user"}, {"type": "uts"}]"""));
        linux.set("uidMappings", Configs.array("[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]"));
        linux.set("gidMappings", Configs.array("[{\"containerID\": 0, \"hostID\": 200000, \"size\": 1000}]"));
        spec = spec(config);
        assertEquals(List.of(IdMap.of(0, 100000, 65536)), spec.users().uidMap());
        assertEquals(List.of(IdMap.of(0, 200000, 1000)), spec.users().gidMap());
        assertEquals(Network.host(), spec.network().mode(), "no network namespace: the host's network");
    }

    @Test
    void resourcesAreConvertedAsRuncConvertsThem() throws IOException {
        ObjectNode config = Configs.minimal();
        Configs.at(config, "linux").set("resources", Configs.tree("""
                {"memory": {"limit": 268435456, "reservation": 134217728, "swap": 536870912, "useHierarchy": true},
                 "cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
                 "pids": {"limit": 64},
                 "blockIO": {"weight": 500, "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}],
                             "throttleWriteIOPSDevice": [{"major": 8, "minor": 16, "rate": 300}]},
                 "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 5}]},
                 "unified": {"memory.high": "201326592"},
                 "devices": [{"allow": false, "access": "rwm"},
                             {"allow": true, "type": "c", "major": 10, "minor": 200, "access": "wr"}]}"""));
        Resources r = spec(config).resources().orElseThrow();
        assertEquals(Optional.of(DataSize.ofMegabytes(256)), r.memoryMax());
        assertEquals(Optional.of(DataSize.ofMegabytes(128)), r.memoryLow());
        assertEquals(Optional.of(DataSize.ofMegabytes(256)), r.swapMax(), "swap is memory plus swap: 512m - 256m");
        assertEquals(Optional.of(DataSize.ofMegabytes(192)), r.memoryHigh());
        assertEquals(OptionalInt.of(39), r.cpuWeight(), "shares 1024: 1 + (1024 - 2) * 9999 / 262142");
        assertEquals(Optional.of(new CpuLimit(50000, 100000)), r.cpu());
        assertEquals(Optional.of("0"), r.cpusetCpus());
        assertEquals(OptionalLong.of(64), r.pidsMax());
        assertEquals(OptionalInt.of(4950), r.ioWeight(), "blkio 500: 1 + (500 - 10) * 9999 / 990");
        assertEquals(List.of(new IoThrottle(8, 0, IoThrottle.Kind.READ_BPS, 1048576),
                new IoThrottle(8, 16, IoThrottle.Kind.WRITE_IOPS, 300)), r.ioThrottles());
        assertEquals(OptionalLong.of(1048577), r.netClassId());
        assertEquals(Map.of("eth0", 5), r.netPrioMap());
        List<DeviceRule> expected = new java.util.ArrayList<>(List.of(DeviceRule.deny("a"), DeviceRule.allow("c 10:200 rw")));
        DeviceRule.DEFAULT_ALLOW_LIST.stream().filter(DeviceRule::allow).forEach(expected::add);
        assertEquals(expected, r.devices(), "the config's rules, then the default devices again");
    }

    @Test
    void maskedAndReadOnlyPathsDefaultDevicesAndAPrivateRootAreAccepted() throws IOException {
        ObjectNode config = Configs.minimal();
        config.put("domainname", "example.org");
        Configs.at(config, "root").put("readonly", true);
        ObjectNode linux = Configs.at(config, "linux");
        linux.set("maskedPaths", Configs.array("[\"/proc/kcore\", \"/sys/firmware\"]"));
        linux.set("readonlyPaths", Configs.array("[\"/proc/sys\"]"));
        linux.set("devices", Configs.array("[{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3,"
                + " \"fileMode\": 438, \"uid\": 0, \"gid\": 0}]"));
        linux.put("rootfsPropagation", "rprivate");
        linux.putObject("sysctl");
        linux.put("mountLabel", "");
        ContainerSpec spec = spec(config);
        assertEquals(List.of("/proc/kcore", "/sys/firmware"), spec.filesystem().maskedPaths());
        assertEquals(List.of("/proc/sys"), spec.filesystem().readOnlyPaths());
        assertEquals(Optional.of("example.org"), spec.domainname());
        assertTrue(spec.filesystem().readOnlyRoot());
        assertTrue(spec.mountProc());
        assertTrue(spec.filesystem().minimalDev());
    }

    @Test
    void sysctlsAndTheAppArmorProfileAreTheSpecs() throws IOException {
        ObjectNode config = Configs.minimal();
        Configs.at(config, "linux").set("sysctl", Configs.tree(
                "{\"net.ipv4.ping_group_range\": \"0 0\", \"kernel.shmmax\": \"65536\"}"));
        Configs.at(config, "process").put("apparmorProfile", "containers-default-0.50.1");
        ContainerSpec spec = spec(config);
        assertEquals(java.util.Map.of("net.ipv4.ping_group_range", "0 0", "kernel.shmmax", "65536"), spec.sysctls());
        assertEquals(Optional.of("containers-default-0.50.1"), spec.hardening().appArmorProfile());
    }

    @Test
    void podmanStyleMountsWithPropagationFlagsAreAccepted() throws IOException {
        Files.writeString(bundle.resolve("hostname"), "box\n");
        ObjectNode config = Configs.minimal();
        Configs.at(config, "linux").set("namespaces", Configs.array("""
                [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                 {"type": "cgroup"}]"""));
        config.set("mounts", Configs.array("""
                [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
                 {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                  "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                 {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                 {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                  "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
                 {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
                 {"destination": "/etc/hostname", "type": "bind", "source": "hostname", "options": ["bind", "rprivate"]},
                 {"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["rw", "rprivate", "nosuid", "nodev"]},
                 {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                  "options": ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]}]"""));
        ContainerSpec spec = spec(config);
        assertEquals(List.of(new Mount.Sysfs("/sys", false), new Mount.Devpts("/dev/pts"), new Mount.Mqueue("/dev/mqueue"),
                new Mount.Bind(bundle.resolve("hostname").toRealPath(), "/etc/hostname", false, false,
                        Propagation.PRIVATE, Set.of()),
                Mount.tmpfs("/run").withMode(01777).withOptions(MountOption.NOSUID, MountOption.NODEV),
                new Mount.CgroupView("/sys/fs/cgroup")), spec.filesystem().mounts());
    }

    @Test
    void aSeccompDenyOfACallThisArchitectureLacksIsLeftOutUnderADenyingDefault() throws IOException {
        ObjectNode config = Configs.minimal();
        Configs.at(config, "linux").set("seccomp", Configs.tree("""
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                 "syscalls": [{"names": ["bdflush", "mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
                              {"names": ["read", "_llseek"], "action": "SCMP_ACT_ALLOW"}]}"""));
        dev.panamax.seccomp.SeccompProfile profile = spec(config).hardening().seccomp().orElseThrow();
        assertEquals(dev.panamax.seccomp.SeccompAction.ENOSYS, profile.defaultAction());
        assertEquals(List.of("mount -> ERRNO(EPERM)", "read -> ALLOW"),
                profile.rules().stream().map(dev.panamax.seccomp.SeccompRule::render).toList(),
                "bdflush and _llseek are not x86-64 calls: the default already answers them");
    }

    @Test
    void podmansCallAllowedInOneEntryAndDeniedInAnotherIsDenied() throws IOException {
        ObjectNode config = Configs.minimal();
        Configs.at(config, "linux").set("seccomp", Configs.tree("""
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                 "syscalls": [{"names": ["read", "setns"], "action": "SCMP_ACT_ALLOW"},
                              {"names": ["setns", "sethostname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
                              {"names": ["sethostname"], "action": "SCMP_ACT_ALLOW"}]}"""));
        dev.panamax.seccomp.SeccompProfile profile = spec(config).hardening().seccomp().orElseThrow();
        assertEquals(List.of("read -> ALLOW", "setns -> ERRNO(EPERM)", "sethostname -> ERRNO(EPERM)"),
                profile.rules().stream().map(dev.panamax.seccomp.SeccompRule::render).toList());
    }

    @Test
    void podmansDevTmpfsWithNoexecIsTheMinimalDev() throws IOException {
        ObjectNode config = Configs.minimal();
        config.set("mounts", Configs.array("""
                [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
                 {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                  "options": ["nosuid", "noexec", "strictatime", "mode=755", "size=65536k"]}]"""));
        assertTrue(spec(config).filesystem().minimalDev());
    }
}
