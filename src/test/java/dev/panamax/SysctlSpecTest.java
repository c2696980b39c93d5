package dev.panamax;

import dev.panamax.net.Network;
import dev.panamax.program.Arg;
import dev.panamax.program.Step;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sysctls and the AppArmor profile as specs and plans: runc's rules for which sysctls a container may set, and
 * where the child writes them (below its /proc, before /proc/sys turns read-only) and its AppArmor profile.
 */
class SysctlSpecTest extends PlanTest {

    private static ContainerSpec.Builder box() {
        return ContainerSpec.builder().rootfs(rootfs).command("true");
    }

    private static void refused(String field, String words, ContainerSpec.Builder builder) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, builder::build);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    /** The index of the step that does {@code what}, failing with the plan if there is none. */
    private static int described(List<Step> steps, String what) {
        return steps.indexOf(steps.stream().filter(s -> s.what().equals(what)).findFirst()
                .orElseThrow(() -> new AssertionError("no step '" + what + "' in\n" + text(steps))));
    }

    @Test
    void namespacedSysctlsAreKeptSortedAndSurviveToBuilder() {
        ContainerSpec spec = box().sysctl("net.ipv4.ping_group_range", "0 2147483647").sysctl("kernel.shmmax", "65536")
                .sysctl("fs.mqueue.msg_max", "20").sysctl("kernel.domainname", "example.org")
                .sysctl("kernel.shmmax", "131072").build();
        assertEquals(List.of("fs.mqueue.msg_max", "kernel.domainname", "kernel.shmmax", "net.ipv4.ping_group_range"),
                List.copyOf(spec.sysctls().keySet()));
        assertEquals("131072", spec.sysctls().get("kernel.shmmax"), "a key set again is replaced");
        assertEquals(spec, spec.toBuilder().build());
        assertEquals(Map.of(), box().build().sysctls());
    }

    @Test
    void ipcSysctlsNeedAnIpcNamespaceOwnOrJoined() {
        refused("sysctl[kernel.msgmax]", "host's IPC namespace",
                box().namespaces(Namespace.MOUNT, Namespace.PID, Namespace.NET).sysctl("kernel.msgmax", "8192"));
        ContainerSpec joined = box().joinNamespace(Namespace.IPC, Path.of("/run/ipcns/pmx")).sysctl("kernel.sem",
                "250 32000 32 128").build();
        assertEquals("250 32000 32 128", joined.sysctls().get("kernel.sem"));
    }

    @Test
    void netSysctlsNeedTheContainersOwnNetworkNamespace() {
        refused("sysctl[net.ipv4.ip_forward]", "host's network namespace",
                box().network(Network.host()).sysctl("net.ipv4.ip_forward", "1"));
        refused("sysctl[net.ipv4.ip_forward]", "joined network namespace",
                box().joinNamespace(Namespace.NET, Path.of("/run/netns/pmx")).sysctl("net.ipv4.ip_forward", "1"));
    }

    @Test
    void utsNamesFollowTheirFields() {
        refused("sysctl[kernel.hostname]", "conflicts with the hostname field",
                box().sysctl("kernel.hostname", "box"));
        refused("sysctl[kernel.domainname]", "conflicts with domainname",
                box().domainname("a.org").sysctl("kernel.domainname", "b.org"));
        refused("sysctl[kernel.domainname]", "not in a separate kernel namespace",
                box().namespaces(Namespace.MOUNT, Namespace.PID).sysctl("kernel.domainname", "b.org"));
    }

    @Test
    void hostWideAndMalformedSysctlsAreRefusedNamingTheKey() {
        refused("sysctl[kernel.pid_max]", "not in a separate kernel namespace", box().sysctl("kernel.pid_max", "4096"));
        refused("sysctl[vm.swappiness]", "not in a separate kernel namespace", box().sysctl("vm.swappiness", "0"));
        refused("sysctl[net/ipv4/../../kernel/core_pattern]", "not a sysctl name",
                box().sysctl("net/ipv4/../../kernel/core_pattern", "|/evil"));
        refused("sysctl[net..ipv4]", "not a sysctl name", box().sysctl("net..ipv4", "1"));
        refused("sysctl[net.ipv4.ip_forward]", "an empty value", box().sysctl("net.ipv4.ip_forward", ""));
        refused("sysctl[net.ipv4.ip_forward]", "NUL", box().sysctl("net.ipv4.ip_forward", "1\0"));
        refused("sysctl[kernel.shmmax]", "below the container's /proc",
                box().mountProc(false).sysctl("kernel.shmmax", "65536"));
    }

    @Test
    void slashedKeysNameTheSameFilesAsSysctl8() {
        assertEquals("net/ipv4/ping_group_range", ContainerSpec.sysctlPath("net.ipv4.ping_group_range"));
        assertEquals("net/ipv4/conf/eno2.100/rp_filter", ContainerSpec.sysctlPath("net/ipv4/conf/eno2.100/rp_filter"));
        assertEquals("net/ipv4/conf/eno2.100/rp_filter", ContainerSpec.sysctlPath("net.ipv4.conf.eno2/100.rp_filter"));
        assertEquals("1", box().sysctl("net/ipv4/ip_forward", "1").build().sysctls().get("net/ipv4/ip_forward"));
    }

    @Test
    void theChildWritesEachSysctlBelowItsProcBeforeProcSysTurnsReadOnly() {
        List<Step> steps = steps(box().sysctl("net.ipv4.ping_group_range", "0 0").sysctl("kernel.shmmax", "65536")
                .build());
        int findProc = described(steps, "find the container's /proc to write sysctls");
        int open = indexOf(steps, "openat2", "sys/net/ipv4/ping_group_range");
        int write = indexOf(steps, "write", "0 0");
        int shm = indexOf(steps, "write", "65536");
        int readOnly = indexOf(steps, "openat2", "proc/sys");
        int procMount = described(steps, "mount proc on /proc");
        assertTrue(procMount < findProc && findProc < open && open < write && shm < readOnly && write < readOnly,
                text(steps));
        assertTrue(steps.get(write).what().contains("net.ipv4.ping_group_range"), steps.get(write).what());
        assertTrue(steps.get(open).what().contains("net.ipv4.ping_group_range"), steps.get(open).what());
        assertEquals(3, steps.get(write).expect().orElseThrow());
    }

    @Test
    void anAppArmorProfileIsWrittenForTheNextExecveBeforeNoNewPrivsAndSeccomp() {
        ContainerSpec spec = box().appArmorProfile("pmx-profile").build();
        assertEquals(Optional.of("pmx-profile"), spec.hardening().appArmorProfile());
        assertEquals(spec, spec.toBuilder().build());
        List<Step> steps = steps(spec);
        int write = indexOf(steps, "write", "exec pmx-profile");
        assertTrue(write > 0, text(steps));
        Step open = steps.get(write - 1);
        boolean perLsm = java.nio.file.Files.isDirectory(Path.of("/proc/self/attr/apparmor"));
        assertEquals(new Arg.CString(perLsm ? "/proc/thread-self/attr/apparmor/exec" : "/proc/thread-self/attr/exec"),
                open.args().get(1), text(steps));
        int seccomp = indexOf(steps, "seccomp");
        int nnp = first(steps, "prctl", dev.panamax.sys.internal.Flags.PR_SET_NO_NEW_PRIVS.value());
        assertTrue(write < nnp && write < seccomp && seccomp > 0, text(steps));
        assertEquals(-1, indexOf(steps(box().build()), "write", "exec pmx-profile"));
        refused("appArmorProfile", "not a profile name", box().appArmorProfile(""));
        refused("appArmorProfile", "not a profile name", box().appArmorProfile("a\nb"));
    }
}
