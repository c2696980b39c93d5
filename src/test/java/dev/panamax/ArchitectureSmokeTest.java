package dev.panamax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.cgroup.Resources;
import dev.panamax.userns.AsUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The launcher's main promises on the CPU architecture this JVM runs on: a hardened launch, a failed step
 * named, a rootless launch and a cgroup limit. The suite runs it on the x86-64 host like any kernel test; the
 * arm64 VM leg ({@code dev.panamax.vm.Arm64VirtualMachineTest}) runs it inside an emulated arm64 machine,
 * where every syscall number, constant and machine instruction of the child program is arm64's.
 */
@Tag("kernel")
class ArchitectureSmokeTest extends BusyboxTest {

    /** This JVM's architecture as {@code uname -m} prints it. */
    private static String machine() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    private static ContainerSpec.Builder shell(String script) {
        return ContainerSpec.builder().rootfs(root.path()).command("sh", "-c", script);
    }

    @Test
    void aContainerWithTheDefaultHardeningRunsOnThisArchitecture() {
        // the seccomp filter must match this architecture's audit arch and numbers to deny unshare(CLONE_NEWUSER)
        String script = "uname -m; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status; echo $$;"
                + " unshare -U true; echo $?";
        Run hardened = Run.of(shell(script)).ok();
        assertEquals(machine() + "\nNoNewPrivs:\t1\nSeccomp:\t2\n1\n1\n", hardened.stdout(),
                "this architecture, no_new_privs, a seccomp filter (mode 2), pid 1, no new user namespace");
        assertTrue(hardened.stderr().contains("Operation not permitted"), hardened.toString());
        assertEquals(machine() + "\nNoNewPrivs:\t1\nSeccomp:\t0\n1\n0\n",
                Run.of(shell(script).noSeccomp()).ok().stdout(), "without the filter the same shell may unshare");
    }

    @Test
    void aMissingCommandIsReportedByItsStepSyscallAndErrno() {
        assertNamed(shell("true").command("no-such-program"), "execve", "ENOENT",
                "no such executable in the container's rootfs: /usr/local/sbin/no-such-program");
    }

    @Test
    void aMissingWorkingDirectoryIsReportedByItsStepSyscallAndErrno() {
        assertNamed(shell("true").workingDirectory("/no/such/dir"), "chdir", "ENOENT",
                "the working directory does not exist in the container: /no/such/dir");
    }

    /** The launch fails naming its step, the syscall, the errno and the hint, in the exception and its message. */
    private static void assertNamed(ContainerSpec.Builder spec, String syscall, String errno, String hint) {
        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(spec.build()));
        assertEquals(syscall, e.syscall(), e.getMessage());
        assertEquals(errno, e.errnoName(), e.getMessage());
        for (String part : List.of(e.step(), syscall, errno, hint)) {
            assertTrue(e.getMessage().contains(part), part + " in: " + e.getMessage());
        }
    }

    @Test
    void aPidsLimitStopsForksBeyondIt() {
        // the shell and three sleeps fill pids.max = 4: the fourth fork fails (EAGAIN), and busybox sh gives up
        Resources limit = Resources.builder().pidsMax(4).build();
        Run r = Run.of(shell("for i in 1 2 3 4 5 6; do sleep 30 & echo $i; done; echo end").resources(limit));
        assertEquals("1\n2\n3\n", r.stdout(), r.toString());
        assertEquals(2, r.status().code(), r.toString());
        assertTrue(r.stderr().contains("can't fork: Resource temporarily unavailable"), r.toString());
    }

    @Test
    void anUnprivilegedUserLaunchesARootlessContainer() throws Exception {
        try (AsUser user = AsUser.create(); BusyboxRootfs mine = BusyboxRootfs.create()) {
            user.own(mine.path());
            Path secret = mine.path().resolve("etc/secret");
            Files.writeString(secret, "root only\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            AsUser.Report r = user.probe(Map.of(), "basic", mine.path().toString()).ok();
            assertEquals(List.of("0", "0", "box", "1", "secret=denied", "ready"), r.lines("out"),
                    "root inside, its own hostname and pid namespace, no access to root's file: " + r.raw());
            String u = Long.toString(user.uid());
            assertEquals("Uid: " + u + " " + u + " " + u + " " + u, r.lines("host").getFirst(), r.raw());
            assertEquals(user.uid(), (int) Files.getAttribute(mine.path().resolve("tmp/made-inside"), "unix:uid"),
                    "a file the container made belongs to the user");
            assertNull(r.error(), r.raw());
        }
    }
}
