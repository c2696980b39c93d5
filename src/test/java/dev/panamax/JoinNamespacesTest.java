package dev.panamax;

import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers that join existing namespaces: a network namespace made by {@code ip netns add}, and a pod (a
 * second container sharing the first's net, ipc and uts namespaces); the launch errors, each naming the
 * field, the path or container, the call and the errno; nothing left open or unreaped.
 */
@Tag("kernel")
class JoinNamespacesTest extends BusyboxTest {
    @TempDir
    static Path tmp;

    @Test
    void aContainerJoinsANetworkNamespaceMadeByIpNetnsAddAndSeesItsInterfaces() throws Exception {
        String name = "panamax-join-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 1_000_000;
        ip("netns", "add", name);
        try {
            ip("-n", name, "link", "add", "pmxbr0", "type", "bridge");
            Leaks before = Leaks.snapshot();
            ContainerSpec spec = ContainerSpec.builder().rootfs(root.path())
                    .joinNamespace(Namespace.NET, Path.of("/run/netns", name))
                    .command("sh", "-c", "cat /proc/net/dev; readlink /proc/self/ns/net").build();
            // the second launch fills in the first's program template; the third joins from the setup executable
            for (int launch = 0; launch < 3; launch++) {
                Run run = Run.of(spec.toBuilder().init(launch == 2).stdout(Stdio.pipe()).stderr(Stdio.pipe())).ok();
                assertTrue(run.stdout().contains("pmxbr0:"), run.stdout());
                assertEquals(nsLink(Path.of("/run/netns", name)), run.stdout().strip().lines().reduce((a, b) -> b)
                        .orElseThrow(), run.stdout());
            }
            before.assertNothingNewIn(Leaks.snapshot());
        } finally {
            ip("netns", "delete", name);
        }
    }

    @Test
    void twoContainersShareNetIpcAndUtsAndReachEachOtherOverLoopback() throws Exception {
        ContainerSpec server = ContainerSpec.builder().rootfs(root.path()).hostname("pod")
                .command("nc", "-l", "-p", "7777").stdout(Stdio.pipe()).build();
        try (Container first = Launcher.launch(server)) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> read(first),
                    task -> Thread.ofPlatform().daemon().start(task));
            ContainerSpec client = ContainerSpec.builder().rootfs(root.path())
                    .shareNamespaces(first, Namespace.NET, Namespace.IPC, Namespace.UTS)
                    .command("sh", "-c", "hostname; for ns in net ipc uts; do readlink /proc/self/ns/$ns; done;"
                            + " i=0; while [ $i -lt 200 ]; do echo hello-pod | nc 127.0.0.1 7777 && exit 0;"
                            + " i=$((i+1)); sleep 0.05; done; exit 1").build();
            assertTrue(Launcher.plan(client).contains("setns(pidfd_0, CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET)"),
                    Launcher.plan(client));
            List<String> firstNamespaces = List.of(nsLink(Namespace.NET.procPath(first.pid())),
                    nsLink(Namespace.IPC.procPath(first.pid())), nsLink(Namespace.UTS.procPath(first.pid())));
            Run run = Run.of(client.toBuilder().stdout(Stdio.pipe()).stderr(Stdio.pipe())).ok();
            List<String> lines = run.stdout().lines().toList();
            assertEquals("pod", lines.get(0), run.stdout());
            assertEquals(firstNamespaces, lines.subList(1, 4), run.stdout());
            assertEquals("hello-pod", received.get().strip());
            assertEquals(0, first.waitFor(Duration.ofSeconds(30)).orElseThrow().code());
        }
    }

    @Test
    void aNamespacePathThatIsNoNamespaceFailsInSetnsWithEinvalNamingThePath() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-namespace"), "x");
        LaunchException e = launchFails(joiningNet(file));
        assertEquals("setns", e.syscall());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("join the net namespace of " + file), e.getMessage());
        assertTrue(e.getMessage().endsWith("Hint: " + file + " is no net namespace: give a namespace file, such as"
                + " /run/netns/NAME (ip netns add) or /proc/PID/ns/net"), e.getMessage());
    }

    @Test
    void aMissingNamespacePathFailsInOpenWithEnoentNamingTheFieldAndPath() {
        Path missing = tmp.resolve("no-such-netns");
        LaunchException e = launchFails(joiningNet(missing));
        assertEquals("open", e.syscall());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("joins: open the NET namespace " + missing), e.getMessage());
    }

    @Test
    void sharingWithAContainerThatEndedIsRefusedNamingIt() throws Exception {
        Container ended = Launcher.launch(ContainerSpec.builder().rootfs(root.path()).command("true").build());
        ended.waitFor();
        ContainerSpec.Builder sharing = ContainerSpec.builder().rootfs(root.path()).command("true")
                .shareNamespaces(ended, Namespace.NET);
        LaunchException e = launchFails(sharing.build());
        assertTrue(e.getMessage().contains("joins: share the namespaces [NET] of container " + ended.pid()
                + ": container " + ended.pid() + " has ended"), e.getMessage());
        ended.close();
        LaunchException closed = launchFails(sharing.build());
        assertTrue(closed.getMessage().contains("has ended"), closed.getMessage());
    }

    private static ContainerSpec joiningNet(Path path) {
        return ContainerSpec.builder().rootfs(root.path()).joinNamespace(Namespace.NET, path).command("true").build();
    }

    /** The launch's failure; it leaves no descriptor open and no child behind. */
    private static LaunchException launchFails(ContainerSpec spec) {
        Leaks before = Leaks.snapshot();
        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(spec).close());
        before.assertNothingNewIn(Leaks.snapshot());
        return e;
    }

    private static String read(Container c) {
        try {
            return new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What {@code readlink} shows for a namespace file: {@code net:[4026532000]}. */
    private static String nsLink(Path nsFile) throws IOException {
        if (Files.isSymbolicLink(nsFile)) {
            return Files.readSymbolicLink(nsFile).toString();
        }
        // a bind-mounted namespace file (ip netns add) is no symlink: name it by its inode
        long inode = (Long) Files.getAttribute(nsFile, "unix:ino");
        return "net:[" + inode + "]";
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
