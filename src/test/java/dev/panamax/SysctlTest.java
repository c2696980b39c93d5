package dev.panamax;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sysctls written by the child into the container's namespaces, read back inside; the host's stay as they were.
 * And an AppArmor profile on a host without AppArmor: the launch fails, as runc's does.
 */
@Tag("kernel")
class SysctlTest extends BusyboxTest {
    private static final Path PING = Path.of("/proc/sys/net/ipv4/ping_group_range");
    private static final Path SHMMAX = Path.of("/proc/sys/kernel/shmmax");

    private static ContainerSpec.Builder box(String script) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script);
    }

    @Test
    void aContainerReadsBackItsSysctlsAndTheHostKeepsItsOwn() throws IOException {
        String hostPing = Files.readString(PING);
        String hostShm = Files.readString(SHMMAX);
        String shm = hostShm.strip().equals("65536") ? "131072" : "65536";
        Run run = Run.of(box("cat /proc/sys/net/ipv4/ping_group_range /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max")
                .sysctl("net.ipv4.ping_group_range", "0 2147483647").sysctl("kernel.shmmax", shm)
                .sysctl("fs/mqueue/msg_max", "17")).ok();
        assertEquals(java.util.List.of("0\t2147483647", shm, "17"), run.stdout().lines().toList(), run.stdout());
        assertEquals(hostPing, Files.readString(PING), "the host's ping_group_range");
        assertEquals(hostShm, Files.readString(SHMMAX), "the host's shmmax");
    }

    @Test
    void procSysStaysReadOnlyAfterTheWrites() {
        Run run = Run.of(box("echo 1 > /proc/sys/kernel/shmmax; echo rc=$?").sysctl("kernel.shmmax", "65536")).ok();
        assertTrue(run.stdout().contains("rc=1"), run.stdout() + run.stderr());
    }

    @Test
    void aSysctlThisKernelLacksFailsTheLaunchNamingTheKeyAndErrno() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> Launcher.launch(box("true").sysctl("net.ipv4.pmx_no_such_sysctl", "1").build()));
        assertEquals("openat2", e.syscall());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("net.ipv4.pmx_no_such_sysctl"), e.getMessage());
    }

    @Test
    void aValueTheKernelRefusesFailsTheLaunchNamingTheKey() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> Launcher.launch(box("true").sysctl("net.ipv4.ping_group_range", "banana").build()));
        assertEquals("write", e.syscall());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("sysctl net.ipv4.ping_group_range"), e.getMessage());
    }

    @Test
    void anAppArmorProfileOnAHostWithoutAppArmorFailsTheLaunchAsInRunc() throws IOException {
        Path enabled = Path.of("/sys/module/apparmor/parameters/enabled");
        Assumptions.assumeFalse(Files.exists(enabled) && Files.readString(enabled).startsWith("Y"),
                "AppArmor is enabled on this host: this test covers hosts without it");
        LaunchException e = assertThrows(LaunchException.class,
                () -> Launcher.launch(box("true").appArmorProfile("pmx-profile").build()));
        assertEquals("write", e.syscall());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("AppArmor is not enabled on this host"), e.getMessage());
        assertTrue(e.getMessage().contains("pmx-profile"), e.getMessage());
    }
}
