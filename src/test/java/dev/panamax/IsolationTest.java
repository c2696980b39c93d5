package dev.panamax;

import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a process sees inside a default container (mount, pid, uts, ipc, net) on the busybox fixture. */
@Tag("kernel")
class IsolationTest extends BusyboxTest {

    private static ContainerSpec.Builder container(String script) {
        return ContainerSpec.builder().rootfs(root.path()).hostname("box").command("sh", "-c", script);
    }

    @Test
    void theProcessIsPid1AndPsSeesOnlyTheContainer() {
        Run r = Run.of(container("echo $$; ps -o pid,comm > /tmp/ps; tail -n +2 /tmp/ps")).ok();
        String[] lines = r.stdout().strip().split("\n");
        assertEquals("1", lines[0]);
        // ps shows the shell (pid 1) and ps itself, nothing of the host
        assertEquals(2, lines.length - 1, r.stdout());
        assertTrue(lines[1].strip().startsWith("1 "), r.stdout());
    }

    @Test
    void theHostnameIsIsolated() throws Exception {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        // sethostname needs CAP_SYS_ADMIN, which the default capability set lacks
        Run r = Run.of(container("hostname; hostname other; hostname").addCapability(Capability.SYS_ADMIN)).ok();
        assertEquals("box\nother\n", r.stdout());
        assertEquals(host, Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    }

    @Test
    void aMountInsideIsInvisibleOutside() throws Exception {
        // mounting needs CAP_SYS_ADMIN and no seccomp filter (the default profile denies mount)
        Run.of(container("mount -t tmpfs none /mnt && touch /mnt/inside && grep -c ' /mnt ' /proc/self/mountinfo")
                .addCapability(Capability.SYS_ADMIN).noSeccomp()).ok();
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(root.path().toString()),
                "the host sees no mount under the rootfs");
        assertFalse(Files.exists(root.path().resolve("mnt/inside")));
    }

    @Test
    void dotDotAtTheRootStaysInTheRootfs() throws Exception {
        Path marker = Files.createTempFile(Path.of("/tmp"), "panamax-host-", ".marker");
        try {
            Run r = Run.of(container("cd /../../..; pwd; ls /../../../tmp; ls -d /../../../bin")).ok();
            assertFalse(r.stdout().contains(marker.getFileName().toString()), r.stdout());
            assertTrue(r.stdout().startsWith("/\n"), r.stdout());
        } finally {
            Files.delete(marker);
        }
    }

    @Test
    void onlyStdioDescriptorsReachTheContainer() {
        // the shell's own descriptors, listed by a child: no fd of the JVM may leak in
        Run r = Run.of(container("ls /proc/$$/fd; true")).ok();
        assertEquals("0\n1\n2\n", r.stdout());
        // nor with the init (the command is its child), nor with stderr merged
        assertEquals("0\n1\n2\n", Run.of(container("ls /proc/$$/fd; true").init(true)).ok().stdout());
        assertEquals("0\n1\n2\n", Run.of(container("ls /proc/$$/fd; true").stdout(Stdio.pipe())
                .stderr(Stdio.mergeWithStdout()).build()).ok().stdout());
    }

    @Test
    void aKeptDescriptorIsTheOnlyOneBesidesStdio() {
        // the JVM's stdout (fd 1, not close-on-exec) kept as fd 7: that one, and no other of the JVM's
        Run r = Run.of(container("ls /proc/$$/fd; true").keepFd(1, 7).init(true)).ok();
        assertEquals("0\n1\n2\n7\n", r.stdout());
    }

    @Test
    void loopbackIsUpAndIsTheOnlyInterface() {
        Run r = Run.of(container("ip -o link")).ok();
        String[] links = r.stdout().strip().split("\n");
        assertEquals(1, links.length, r.stdout());
        assertTrue(links[0].contains("lo:") && links[0].contains("UP"), r.stdout());
        assertTrue(Run.of(container("ping -c 1 -W 1 127.0.0.1")).ok().stdout().contains("1 packets received"));
    }

    @Test
    void withoutANetNamespaceTheHostInterfacesAreVisible() throws Exception {
        Run r = Run.of(container("ip -o link").namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS)).ok();
        // "2: eth0: <BROADCAST,...>" per interface, "veth0@if5" for a pair: the name is the second field
        Set<String> inside = r.stdout().lines().map(l -> l.split(": ")[1].replaceFirst("@.*", ""))
                .collect(Collectors.toSet());
        Set<String> host;
        try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
            host = links.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertEquals(host, inside, r.stdout());
    }

    @Test
    void environmentIsNotInheritedUnlessAsked() {
        Run r = Run.of(container("env | sort").env("GREETING", "hi")).ok();
        assertEquals("GREETING=hi\nPATH=" + ProcessSpec.DEFAULT_PATH + "\nPWD=/\nSHLVL=1\n", r.stdout());
    }

    @Test
    void theWorkingDirectoryIsSet() {
        assertEquals("/tmp\n", Run.of(container("pwd").workingDirectory("/tmp")).ok().stdout());
    }
}
