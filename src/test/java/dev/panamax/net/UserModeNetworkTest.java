package dev.panamax.net;

import dev.panamax.BusyboxRootfs;
import dev.panamax.ChildJvm;
import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.Leaks;
import dev.panamax.Stdio;
import dev.panamax.net.UserModeNetwork.Port;
import dev.panamax.net.UserModeNetwork.Tool;
import dev.panamax.sys.Namespace;
import dev.panamax.userns.AsUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pasta and slirp4netns for real containers launched by Panamax: the container reaches a server on the host's
 * loopback through pasta's gateway, a published port on 127.0.0.1 reaches the container's busybox httpd, and the
 * helper never outlives the container, {@link UserModeNetwork#close()} or the launching JVM. Each test checks
 * that no helper process (by pid) and no file in its runtime directory is left.
 */
@Tag("kernel")
class UserModeNetworkTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static AsUser user;

    private Path runtimeDir;
    private BusyboxRootfs rootfs;
    private final List<Process> probes = new ArrayList<>();

    @BeforeAll
    static void tools() throws Exception {
        assumeTrue(Tool.find(Tool.PASTA, System.getenv("PATH")).isPresent(), "pasta is not installed (.ci/deps)");
        assumeTrue(Tool.find(Tool.SLIRP4NETNS, System.getenv("PATH")).isPresent(),
                "slirp4netns is not installed (.ci/deps)");
        user = AsUser.create();
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    @BeforeEach
    void dirs() throws Exception {
        runtimeDir = Files.createTempDirectory("pmxnet-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        rootfs = BusyboxRootfs.create();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : probes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        rootfs.close();
        BusyboxRootfs.deleteTree(runtimeDir);
    }

    @Test
    void aRootlessContainerReachesTheHostLoopbackThroughPastasGatewayAndServesAPublishedPort() throws Exception {
        Path dir = userRuntimeDir();
        try (Server server = new Server(); Probe probe = Probe.start(probes, asUser(rootfs.path(), server.port(),
                freePort(), dir, Tool.PASTA))) {
            long pasta = probe.helper();
            assertEquals(Tool.PASTA + "", probe.tool());
            probe.expect("out:gw=");
            assertEquals("ping", server.received());
            probe.expect("out:pong");
            probe.expect("out:serving");
            assertEquals("container-page", get(probe.published).strip());
            assertEquals(String.valueOf(user.uid()), ownerOf(pasta), "pasta runs as the user");
            finishAndCheck(probe, pasta, dir);
        }
    }

    @Test
    void aRootlessContainerGetsSlirp4netnsWithItsPublishedPort() throws Exception {
        Path dir = userRuntimeDir();
        try (Server server = new Server(); Probe probe = Probe.start(probes, asUser(rootfs.path(), server.port(),
                freePort(), dir, Tool.SLIRP4NETNS))) {
            long slirp = probe.helper();
            assertEquals(Tool.SLIRP4NETNS + "", probe.tool());
            probe.expect("out:gw=10.0.2.2");
            probe.expect("out:serving");
            assertEquals("container-page", get(probe.published).strip());
            assertEquals(String.valueOf(user.uid()), ownerOf(slirp), "slirp4netns runs as the user");
            finishAndCheck(probe, slirp, dir);
        }
    }

    @Test
    void pastaEndsWhenTheLaunchingJvmIsKilled() throws Exception {
        try (Server server = new Server(); Probe probe = Probe.start(probes, ChildJvm.command(
                UserModeNetworkProbe.class, rootfs.path().toString(), String.valueOf(server.port()),
                String.valueOf(freePort()), runtimeDir.toString(), "pasta"))) {
            long pasta = probe.helper();
            assertEquals("ping", server.received());
            probe.expect("out:serving");
            assertEquals("container-page", get(probe.published).strip());
            List<Long> watchdog = ProcessHandle.of(probe.process.pid()).orElseThrow().descendants()
                    .map(ProcessHandle::pid).toList();
            assertTrue(watchdog.contains(pasta), "pasta runs under the probe JVM: " + watchdog);
            probe.process.destroyForcibly().waitFor();
            for (long pid : watchdog) {
                assertGone(pid);
            }
            assertGone(probe.container);
        }
    }

    @Test
    void slirp4netnsConfiguresTheNamespaceAndPublishesPortsThroughItsApiSocket() throws Exception {
        try (Server server = new Server(); Probe probe = Probe.start(probes, ChildJvm.command(
                UserModeNetworkProbe.class, rootfs.path().toString(), String.valueOf(server.port()),
                String.valueOf(freePort()), runtimeDir.toString(), "slirp4netns"))) {
            long slirp = probe.helper();
            assertEquals(Tool.SLIRP4NETNS + "", probe.tool());
            probe.expect("out:gw=10.0.2.2");
            String next = probe.expect("out:");
            assertEquals("out:serving", next, "--disable-host-loopback: the host's loopback is not reachable");
            assertEquals("container-page", get(probe.published).strip());
            finishAndCheck(probe, slirp, runtimeDir);
        }
    }

    @Test
    void pastaEndsWhenTheContainerEndsAndLeavesNoFileDescriptorOrChild() throws Exception {
        Leaks before = warmSnapshot();
        try (Container c = Launcher.launch(UserModeNetworkProbe.spec(rootfs.path(), "read x").build())) {
            UserModeNetwork net = UserModeNetwork.start(c.pid(), List.of(), runtimeDir, Tool.PASTA, List.of())
                    .closeOnExit(c.onExit());
            assertTrue(ProcessHandle.of(net.pid()).isPresent(), "pasta runs");
            assertEquals(2, list(runtimeDir).size(), "pid file and log: " + list(runtimeDir));
            c.stdin().write('\n');
            c.stdin().close();
            c.waitFor();
            assertGone(net.pid());
            awaitEmpty(runtimeDir);
        }
        before.assertNothingNewIn(Leaks.snapshot());
    }

    @Test
    void aStartupFailureNamesPastaItsExitStatusAndItsErrorOutputAndLeavesNothing() throws Exception {
        Leaks before = warmSnapshot();
        try (Container c = Launcher.launch(UserModeNetworkProbe.spec(rootfs.path(), "read x").build());
             ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            UserModeNetworkException e = assertThrows(UserModeNetworkException.class, () -> UserModeNetwork.start(
                    c.pid(), List.of(new Port("tcp", LOOPBACK, taken.getLocalPort(), 80)), runtimeDir, Tool.PASTA,
                    List.of()));
            String expected = "pasta for the container with pid " + c.pid() + " failed (exit status ";
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
            assertEquals(List.of(), list(runtimeDir));
            assertEquals(List.of(c.pid()), ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                    .map(ProcessHandle::pid).toList(), "no helper left, only the container");
            c.destroyForcibly();
        }
        before.assertNothingNewIn(Leaks.snapshot());
    }

    @Test
    void asRootPastaRefusesAContainerInTheHostsUserNamespaceAndSaysWhy() throws Exception {
        try (Container c = Launcher.launch(ContainerSpec.builder().namespaces(Namespace.MOUNT, Namespace.PID,
                Namespace.NET).rootfs(rootfs.path()).command("sh", "-c", "read x").stdin(Stdio.pipe()).build())) {
            UserModeNetworkException e = assertThrows(UserModeNetworkException.class, () -> UserModeNetwork.start(
                    c.pid(), List.of(), runtimeDir, Tool.PASTA, List.of()));
            assertEquals("pasta cannot join the container with pid " + c.pid() + ": it shares the host's user"
                    + " namespace, and pasta, started by root, drops the capabilities it would need to open /proc/"
                    + c.pid() + "/ns; give the container a user namespace, or a bridge network", e.getMessage());
            assertEquals(List.of(), list(runtimeDir));
            c.destroyForcibly();
        }
    }

    @Test
    void aWrapperPrefixRunsTheToolAndMustExecIt() throws Exception {
        try (Container c = Launcher.launch(UserModeNetworkProbe.spec(rootfs.path(), "read x").build());
             UserModeNetwork net = UserModeNetwork.start(c.pid(), List.of(), runtimeDir, Tool.PASTA,
                     List.of("/usr/bin/env", "PMX_WRAPPED=1"))) {
            String environ = Files.readString(Path.of("/proc/" + net.pid() + "/environ"));
            assertTrue(environ.contains("PMX_WRAPPED=1"), "the wrapper ran and exec'd pasta");
            net.close();
            assertGone(net.pid());
            c.destroyForcibly();
        }
    }

    @Test
    void aTunDeviceAnUnprivilegedUserCannotOpenIsNamedWithItsModeAndTheRemedy() throws Exception {
        int mode = (int) Files.getAttribute(Path.of("/dev/net/tun"), "unix:mode") & 07777;
        assumeTrue((mode & 06) != 06, "/dev/net/tun is usable by everyone here (mode " + Integer.toOctalString(mode)
                + "), the case of usual distributions");
        Path dir = userRuntimeDir();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(),
                "--clear-groups"));
        cmd.addAll(ChildJvm.command(UserModeNetworkProbe.class, rootfs.path().toString(), "1", "1", dir.toString(),
                "pasta"));
        try (Probe probe = Probe.start(probes, cmd)) {
            String error = probe.expect("error:");
            assertTrue(error.contains("/dev/net/tun is mode " + String.format("%04o", mode) + " owned by uid 0: an"
                    + " unprivileged user cannot open it") && error.contains("chmod 0666 /dev/net/tun"), error);
            assertEquals(List.of(), list(dir));
        }
    }

    // ---- fixtures

    /** A snapshot after a launch: the reaper and launcher threads are made once per JVM. */
    private Leaks warmSnapshot() throws Exception {
        try (Container warm = Launcher.launch(UserModeNetworkProbe.spec(rootfs.path(), "true").build())) {
            warm.waitFor();
        }
        return Leaks.snapshot();
    }

    /** Gives the user the rootfs and a runtime directory of its own; makes the 0666 tun node for {@link #asUser}. */
    private Path userRuntimeDir() throws Exception {
        run("mknod", "-m", "666", runtimeDir.resolve("tun").toString(), "c", "10", "200");
        Path dir = Files.createDirectory(runtimeDir.resolve("run"));
        user.own(rootfs.path());
        user.own(dir);
        return dir;
    }

    /** Lets the probe close the helper and the container; then the helper is gone and {@code dir} empty. */
    private static void finishAndCheck(Probe probe, long helper, Path dir) throws Exception {
        probe.finish();
        probe.expect("closed");
        assertGone(helper);
        assertEquals(List.of(), list(dir));
    }

    /** The probe as the user, in a private mount namespace with a 0666 tun node over /dev/net/tun. */
    private List<String> asUser(Path rootfs, int serverPort, int published, Path dir, Tool tool) {
        Path tun = runtimeDir.resolve("tun");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" /dev/net/tun && exec \"$@\"", tun.toString(),
                "setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups"));
        cmd.addAll(ChildJvm.command(UserModeNetworkProbe.class, rootfs.toString(), String.valueOf(serverPort),
                String.valueOf(published), dir.toString(), tool.name().toLowerCase()));
        return cmd;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** GET http://127.0.0.1:port/ with curl (busybox httpd may need a moment to listen). */
    private static String get(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Process p = new ProcessBuilder("curl", "-sS", "-m", "5", "http://127.0.0.1:" + port + "/")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() == 0) {
                return out;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("curl http://127.0.0.1:" + port + "/ failed: " + out);
            }
            Thread.sleep(50);
        }
    }

    private static String ownerOf(long pid) throws IOException {
        return String.valueOf(Files.getAttribute(Path.of("/proc/" + pid), "unix:uid"));
    }

    /** Fails unless {@code pid} ends within 5 s. */
    private static void assertGone(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Files.exists(Path.of("/proc/" + pid)) && !zombie(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(Path.of("/proc/" + pid)) && !zombie(pid), "process " + pid + " still runs");
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitEmpty(Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!list(dir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), list(dir));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    /** A server on the host's loopback that answers one line {@code ping} with {@code pong}. */
    private static final class Server implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 1, LOOPBACK);
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final Thread thread = Thread.ofVirtual().start(this::serve);

        private Server() throws IOException {
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            try (Socket s = socket.accept()) {
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                received.add(String.valueOf(line));
                OutputStream out = s.getOutputStream();
                out.write("pong\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                received.add("server: " + e);
            }
        }

        String received() throws InterruptedException {
            String line = received.poll(20, TimeUnit.SECONDS);
            assertTrue(line != null, "the container's request did not arrive");
            return line;
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5000);
        }
    }

    /** A probe JVM whose lines are read as they come. */
    private static final class Probe implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder all = new StringBuilder();
        private final int published;
        private long container;
        private String tool;

        private Probe(Process process, int published) {
            this.process = process;
            this.published = published;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8)) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            });
        }

        static Probe start(List<Process> started, List<String> command) throws IOException {
            int published = Integer.parseInt(command.get(command.size() - 3));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            started.add(p);
            return new Probe(p, published);
        }

        /** The next line starting with {@code prefix}, other lines skipped; fails on an error line or after 30 s. */
        String expect(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no line " + prefix + " in 30 s:\n" + all);
                }
                all.append(line).append('\n');
                if (line.startsWith(prefix)) {
                    return line;
                }
                if (line.startsWith("error:")) {
                    throw new AssertionError("probe failed:\n" + all);
                }
            }
        }

        /** Reads {@code container:} and {@code net:} and returns the helper's pid. */
        long helper() throws InterruptedException {
            container = Long.parseLong(expect("container:").substring("container:".length()));
            String[] net = expect("net:").substring("net:".length()).split(" ");
            tool = net[0];
            return Long.parseLong(net[1]);
        }

        String tool() {
            return tool;
        }

        /** Tells the probe to close the helper and the container. */
        void finish() {
            PrintWriter w = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            w.println("done");
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
