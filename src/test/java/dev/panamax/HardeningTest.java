package dev.panamax;

import dev.panamax.seccomp.SeccompAction;
import dev.panamax.sys.Namespace;
import dev.panamax.seccomp.SeccompProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capabilities, no_new_privs and seccomp as a process inside a busybox container sees them. */
@Tag("kernel")
class HardeningTest extends BusyboxTest {

    @BeforeAll
    static void installProbe() {
        Probe.installInto(root.path());
    }

    private static ContainerSpec.Builder container(String script) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script);
    }

    /** The fields of /proc/self/status of a {@code cat} run in the container. */
    private static Map<String, String> status(ContainerSpec.Builder spec) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : Run.of(spec.command("cat", "/proc/self/status")).ok().stdout().split("\n")) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return fields;
    }

    /** The OCI set as a container without a device cgroup keeps it: CAP_MKNOD leaves unless the spec names it. */
    private static Set<Capability> defaultWithoutDeviceCgroup() {
        Set<Capability> caps = EnumSet.copyOf(Capability.defaultSet());
        caps.remove(Capability.MKNOD);
        return caps;
    }

    private static String hex(Set<Capability> caps) {
        return String.format("%016x", Capability.mask(caps));
    }

    private static void assertCaps(Map<String, String> status, Set<Capability> kept, Set<Capability> ambient) {
        assertEquals(hex(kept), status.get("CapBnd"), "CapBnd");
        assertEquals(hex(kept), status.get("CapPrm"), "CapPrm");
        assertEquals(hex(kept), status.get("CapEff"), "CapEff");
        assertEquals(hex(ambient), status.get("CapInh"), "CapInh");
        assertEquals(hex(ambient), status.get("CapAmb"), "CapAmb");
    }

    @Test
    void byDefaultTheOciSetNoNewPrivsAndAFilter() {
        Map<String, String> s = status(container(""));
        assertCaps(s, defaultWithoutDeviceCgroup(), Set.of());
        assertEquals("00000000a00425fb", s.get("CapEff"), "Docker's documented default mask without MKNOD (bit 27)");
        if (dev.panamax.cgroup.CgroupManager.hostControlsDevices()) {
            Map<String, String> withCgroup = status(container("")
                    .resources(dev.panamax.cgroup.Resources.builder().pidsMax(20).build()));
            assertEquals("00000000a80425fb", withCgroup.get("CapEff"), "Docker's documented default mask");
        }
        assertEquals("1", s.get("NoNewPrivs"));
        assertEquals("2", s.get("Seccomp"));
        assertEquals("1", s.get("Seccomp_filters"));
    }

    @Test
    void aCustomSetIsExactlyWhatIsKept() {
        Set<Capability> kept = EnumSet.of(Capability.NET_ADMIN, Capability.SYS_TIME, Capability.CHECKPOINT_RESTORE);
        assertCaps(status(container("").capabilities(kept)), kept, Set.of());
        assertCaps(status(container("").capabilities("CAP_KILL", "setuid")),
                EnumSet.of(Capability.KILL, Capability.SETUID), Set.of());
        Set<Capability> edited = defaultWithoutDeviceCgroup();
        edited.remove(Capability.NET_RAW);
        edited.add(Capability.SYS_PTRACE);
        assertCaps(status(container("").dropCapability(Capability.NET_RAW).addCapability("sys_ptrace")), edited, Set.of());
    }

    @Test
    void anEmptySetLeavesNothing() {
        Map<String, String> s = status(container("").capabilities(Set.of()));
        assertCaps(s, Set.of(), Set.of());
        assertEquals("0000000000000000", s.get("CapBnd"));
    }

    @Test
    void ambientCapabilitiesAreRaisedWhenAsked() {
        assertCaps(status(container("").ambientCapabilities(Capability.NET_BIND_SERVICE)),
                defaultWithoutDeviceCgroup(), Set.of(Capability.NET_BIND_SERVICE));
    }

    @Test
    void seccompAndNoNewPrivsCanBeTurnedOff() {
        Map<String, String> s = status(container("").noSeccomp().noNewPrivileges(false));
        assertEquals("0", s.get("Seccomp"));
        assertEquals("0", s.get("NoNewPrivs"));
        Map<String, String> early = status(container("").noNewPrivileges(false));
        assertEquals("2", early.get("Seccomp"), "without no_new_privs the filter loads before capset");
        assertEquals("0", early.get("NoNewPrivs"));
        assertCaps(early, defaultWithoutDeviceCgroup(), Set.of());
    }

    @Test
    void mountIsDeniedByTheFilterEvenWithCapSysAdmin() {
        // busybox mount says "permission denied (are you root?)" for EPERM and EACCES alike: the probe tells
        assertEquals("EPERM\n", Run.of(container("probe mount").addCapability(Capability.SYS_ADMIN)).ok().stdout());
        Run denied = Run.of(container("mount -t tmpfs none /mnt").addCapability(Capability.SYS_ADMIN));
        assertEquals(1, denied.status().code(), denied.toString());
        assertEquals("OK\n", Run.of(container("probe mount").addCapability(Capability.SYS_ADMIN).noSeccomp())
                .ok().stdout());
    }

    @Test
    void newUserNamespacesAreDenied() {
        Run denied = Run.of(container("unshare -U true"));
        assertNotEquals(0, denied.status().code(), denied.toString());
        assertTrue(denied.stderr().contains("Operation not permitted"), denied.stderr());
        Run.of(container("unshare -U true").noSeccomp()).ok();
    }

    /** With CAP_SYS_BOOT kept, only the filter can answer EPERM; the probe's arguments are invalid anyway. */
    @Test
    void rebootAndKexecLoadAreDeniedByTheFilter() {
        for (String call : new String[] {"reboot", "kexec_load"}) {
            Run denied = Run.of(container("probe " + call).addCapability(Capability.SYS_BOOT)).ok();
            assertEquals("EPERM\n", denied.stdout(), call);
            Run allowed = Run.of(container("probe " + call).addCapability(Capability.SYS_BOOT).noSeccomp()).ok();
            assertNotEquals("EPERM\n", allowed.stdout(), call + " without a filter (EINVAL, or ENOSYS without kexec)");
        }
    }

    @Test
    void ioUringIsDeniedByDefaultAndWorksWithTheOptIn() {
        assertEquals("EPERM\n", Run.of(container("probe io_uring")).ok().stdout());
        Run allowed = Run.of(container("probe io_uring")
                .seccomp(dev.panamax.seccomp.SeccompProfile.defaultProfile().toBuilder().allowIoUring())).ok();
        String sysctl = readOrEmpty("/proc/sys/kernel/io_uring_disabled");
        org.junit.jupiter.api.Assumptions.assumeTrue(sysctl.isEmpty() || sysctl.equals("0"),
                "kernel.io_uring_disabled=" + sysctl + ": the kernel itself refuses io_uring here, the opt-in cannot show");
        assertEquals("OK\n", allowed.stdout(), "with the opt-in the ring is created");
    }

    private static String readOrEmpty(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path)).strip();
        } catch (java.io.IOException absent) {
            return "";
        }
    }

    @Test
    void ordinaryWorkStillRuns() {
        Run r = Run.of(container("echo hello | tr a-z A-Z | wc -c; echo data > /tmp/f && cat /tmp/f && rm /tmp/f;"
                + " ping -c 1 -W 1 127.0.0.1 | grep -c '1 packets received'")).ok();
        assertEquals("6\ndata\n1\n", r.stdout());
    }

    @Test
    void anAllowListRunsWithTheLauncherCallsAddedAndRefusesTheRest() {
        SeccompProfile allowList = SeccompProfile.empty(SeccompAction.ENOSYS).toBuilder()
                .allow("read", "write", "close", "mmap", "mprotect", "munmap", "brk", "rt_sigaction", "rt_sigreturn",
                        "rt_sigprocmask", "dup2", "getpid", "getppid", "getuid", "sendfile", "clone", "wait4", "uname",
                        "fcntl", "readlink", "prctl", "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
                        "openat", "newfstatat", "pipe2", "prlimit64", "getrandom", "exit", "getcwd", "ioctl")
                .build();
        Run r = Run.of(container("echo hi | cat; mkdir /tmp/x").seccomp(allowList));
        assertEquals("hi\n", r.stdout(), r.toString());
        assertTrue(r.stderr().contains("Function not implemented"), r.stderr());
    }

    @Test
    void resourceLimitsOomScoreAndUmask() {
        Run r = Run.of(container("ulimit -n; ulimit -Hn; ulimit -c; cat /proc/self/oom_score_adj; umask")
                .rlimit(Rlimit.NOFILE, 123, 456).rlimit(Rlimit.CORE, 0, Rlimit.UNLIMITED)
                .oomScoreAdj(500).umask(027)).ok();
        assertEquals("123\n456\n0\n500\n0027\n", r.stdout());
    }

    /**
     * RLIMIT_NPROC does not bind uid 0 of the initial user namespace, so the probe becomes nobody (65534)
     * first; the limit counts every process of that uid on the host, itself included.
     */
    @Test
    void rlimitNprocStopsForks() {
        Run limited = Run.of(container("probe nproc 65534 20").rlimit(Rlimit.NPROC, 5, 5)).ok();
        String[] out = limited.stdout().strip().split(" ");
        assertEquals("EAGAIN", out[2], limited.stdout());
        assertTrue(Integer.parseInt(out[1]) < 5, limited.stdout());
        assertEquals("forked 20 OK\n", Run.of(container("probe nproc 65534 20").rlimit(Rlimit.NPROC, 100, 100))
                .ok().stdout());
    }

    /**
     * The same in a user namespace, as the issue asks: container uid 1000 is host uid 201000, an unprivileged
     * user whose processes the limit counts.
     */
    @Test
    void rlimitNprocStopsForksInAUserNamespace() {
        ContainerSpec.Builder spec = container("probe nproc 1000 20")
                .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC)
                .uidMap(IdMap.of(0, 200_000, 65_536)).gidMap(IdMap.of(0, 200_000, 65_536)).user(1000, 1000);
        Run limited = Run.of(spec.rlimit(Rlimit.NPROC, 5, 5)).ok();
        String[] out = limited.stdout().strip().split(" ");
        assertEquals("EAGAIN", out[2], limited.stdout());
        assertTrue(Integer.parseInt(out[1]) < 5, limited.stdout());
        assertEquals("forked 20 OK\n", Run.of(spec.rlimit(Rlimit.NPROC, 100, 100)).ok().stdout());
    }

    /** The failure record still reaches the parent under the filter: write and exit_group are let through. */
    @Test
    void anExecveDeniedByTheProfileIsReportedWithAHint() {
        SeccompProfile noExec = SeccompProfile.empty(SeccompAction.KILL_PROCESS).toBuilder()
                .rule("execve", SeccompAction.EPERM).build();
        LaunchException e = org.junit.jupiter.api.Assertions.assertThrows(LaunchException.class,
                () -> Run.of(container("true").seccomp(noExec)));
        assertTrue(e.getMessage().contains("\"execute sh\": execve(") && e.getMessage().contains("EPERM")
                && e.getMessage().contains("seccomp profile may deny execve"), e.getMessage());
    }

    @Test
    void aRefusedLimitNamesTheStepAndHints() {
        Leaks before = Leaks.snapshot();
        LaunchException e = org.junit.jupiter.api.Assertions.assertThrows(LaunchException.class,
                () -> Run.of(container("true").rlimit(Rlimit.NOFILE, 1L << 40, 1L << 40)));
        assertTrue(e.getMessage().contains("set RLIMIT_NOFILE") && e.getMessage().contains("EPERM")
                && e.getMessage().contains("nr_open"), e.getMessage());
        before.assertNothingNewIn(Leaks.snapshot());
        assertFalse(e.getMessage().isBlank());
    }
}
