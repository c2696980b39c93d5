package dev.panamax.userns;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.IdMap;
import dev.panamax.Launcher;
import dev.panamax.ProcessSpec;
import dev.panamax.Stdio;
import dev.panamax.net.Network;
import dev.panamax.net.PortMapping;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Libc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Runs in a child JVM under an unprivileged uid (see {@link AsUser}): launches one scenario's container and
 * reports on stdout, one fact a line: {@code out:<container line>}, {@code host:<what the host sees>},
 * {@code exit:<status>}, or {@code error:<message>} when the launch throws. Uses no JUnit (not on its path).
 *
 * <pre>{@code
 * java -cp target/classes:target/test-classes dev.panamax.userns.RootlessProbe basic /tmp/rootfs
 * }</pre>
 */
public final class RootlessProbe {
    /** The scenarios' container ids (multi-range): uid/gid 1 up map to the first id of the test allotment. */
    public static final long SUB_COUNT = 65536;

    private RootlessProbe() {
    }

    /** The rootless namespaces of the issue: user + mount + pid + uts + ipc + net. */
    static ContainerSpec.Builder rootless(Path rootfs, String script) {
        return ContainerSpec.builder()
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET)
                .mapCurrentUserToRoot()
                .rootfs(rootfs).hostname("box").command("sh", "-c", script);
    }

    /** What a process sees, printed the same way as root and as the user: hostname, its pid, mount points. */
    public static ContainerSpec.Builder sameView(Path rootfs) {
        return rootless(rootfs, "hostname; echo $$; awk '{print $2, $3}' /proc/mounts; id -u");
    }

    /** Two ranges per map through newuidmap/newgidmap; the process runs as 1000:1000 inside. */
    static ContainerSpec.Builder multiRange(Path rootfs, long subFirst, String script) {
        long uid = Integer.toUnsignedLong(Libc.geteuid());
        long gid = Integer.toUnsignedLong(Libc.getegid());
        return rootless(rootfs, script)
                .uidMap(IdMap.of(0, uid, 1), IdMap.of(1, subFirst, SUB_COUNT))
                .gidMap(IdMap.of(0, gid, 1), IdMap.of(1, subFirst, SUB_COUNT))
                .user(1000, 1000);
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path rootfs = Path.of(args[1]);
        try {
            switch (scenario) {
                case "basic" -> interactive(rootless(rootfs, "id -u; id -g; hostname; echo $$; touch /tmp/made-inside;"
                        + " cat /etc/secret >/dev/null 2>&1 && echo secret=readable || echo secret=denied;"
                        + " echo ready; read x").stdin(Stdio.pipe()));
                case "same" -> interactive(sameView(rootfs));
                case "multi" -> interactive(multiRange(rootfs, Long.parseLong(args[2]), "cat /proc/self/uid_map;"
                        + " cat /proc/self/gid_map; id -u; id -g; touch /tmp/by-1000; echo ready; read x")
                        .stdin(Stdio.pipe()));
                case "exec" -> exec(rootless(rootfs, "sleep 1000"));
                case "pasta" -> pasta(rootfs, Integer.parseInt(args[2]));
                case "groups" -> interactive(rootless(rootfs, "id -G").supplementaryGroups(0));
                case "bench" -> bench(rootfs, Integer.parseInt(args[2]), args.length > 3 && args[3].equals("nouser"));
                default -> throw new IllegalArgumentException("no scenario " + scenario + " " + Arrays.toString(args));
            }
        } catch (RuntimeException e) {
            System.out.println("error:" + e.getClass().getSimpleName() + ": " + e.getMessage().replace('\n', ' '));
            // a failed launch must leave no child behind (the JVM reaps helper processes itself)
            System.out.println("host:children=" + ProcessHandle.current().children().filter(ProcessHandle::isAlive).count());
        }
        System.out.flush();
        System.exit(0);
    }

    /** Prints the container's output; at "ready" also what the host sees of it, then lets it end. */
    private static void interactive(ContainerSpec.Builder spec) throws Exception {
        try (Container c = Launcher.launch(spec.stdout(Stdio.pipe()).stderr(Stdio.pipe()).build())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println("out:" + line);
                if (line.equals("ready")) {
                    for (String s : Files.readAllLines(Path.of("/proc", Long.toString(c.pid()), "status"))) {
                        if (s.startsWith("Uid:") || s.startsWith("Gid:")) {
                            System.out.println("host:" + s.replace('\t', ' '));
                        }
                    }
                    c.stdin().write('\n');
                    c.stdin().close();
                }
            }
            ExitStatus status = c.waitFor(Duration.ofSeconds(30)).orElseThrow();
            System.out.println("exit:" + status);
            System.out.println("err:" + new String(c.stderr().readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * Execs into a running rootless container: what the exec sees ({@code out:}: its uid, gid, whether its user
     * namespace is the container's), and the host's view of a command it runs ({@code host:}).
     */
    private static void exec(ContainerSpec.Builder spec) throws Exception {
        try (Container c = Launcher.launch(spec.build())) {
            String containerUserNs = Files.readSymbolicLink(Path.of("/proc", Long.toString(c.pid()), "ns/user")).toString();
            ProcessSpec look = ContainerSpec.builder().command("sh", "-c", "id -u; id -g; readlink /proc/self/ns/user;"
                    + " hostname").stdout(Stdio.pipe()).build().process();
            try (Container e = c.exec(look)) {
                for (String line : new String(e.stdout().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    System.out.println("out:" + line.replace(containerUserNs, "the-containers-user-namespace"));
                }
                System.out.println("exit:" + e.waitFor(Duration.ofSeconds(30)).orElseThrow());
            }
            ProcessSpec sleep = ContainerSpec.builder().command("sleep", "1000").build().process();
            try (Container e = c.exec(sleep)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (ProcessHandle.of(e.pid()).orElseThrow().children().findAny().isEmpty()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                long command = ProcessHandle.of(e.pid()).orElseThrow().children().findFirst().orElseThrow().pid();
                for (String s : Files.readAllLines(Path.of("/proc", Long.toString(command), "status"))) {
                    if (s.startsWith("Uid:")) {
                        System.out.println("host:" + s.replace('\t', ' '));
                    }
                }
            }
        }
    }

    /**
     * A rootless container on user-mode networking (pasta): it reaches a server of this JVM on the host's
     * loopback through its gateway ({@code out:host-says=}), and its httpd answers on the published host port
     * ({@code host:published=}); then whether a helper process is left ({@code host:helpers=}).
     */
    private static void pasta(Path rootfs, int published) throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    s.getOutputStream().write("hello-from-host\n".getBytes(StandardCharsets.UTF_8));
                } catch (java.io.IOException ignored) {
                    // the container's line says it got nothing
                }
            });
            // nc does not end when the server closes through pasta: the timeout ends it once the line is in
            String script = "gw=$(ip route | awk '/default/ {print $3}'); echo host-says=$(timeout 5 nc $gw "
                    + server.getLocalPort() + " </dev/null); mkdir -p /tmp/www && echo hello-from-container >"
                    + " /tmp/www/index.html && httpd -p 80 -h /tmp/www && echo ready; read x";
            ContainerSpec.Builder spec = rootless(rootfs, script).network(Network.userMode())
                    .publish(PortMapping.tcp(published, 80)).stdin(Stdio.pipe());
            try (Container c = Launcher.launch(spec.stdout(Stdio.pipe()).stderr(Stdio.pipe()).build())) {
                BufferedReader out = new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println("out:" + line);
                    if (line.equals("ready")) {
                        System.out.println("host:published=" + get(published));
                        c.stdin().write('\n');
                        c.stdin().close();
                    }
                }
                System.out.println("exit:" + c.waitFor(Duration.ofSeconds(30)).orElseThrow());
                System.out.println("err:" + new String(c.stderr().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long helpers;
        do {
            helpers = ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/pasta")
                    && p.info().user().orElse("").equals(System.getProperty("user.name"))).count();
        } while (helpers > 0 && System.nanoTime() < deadline && sleep());
        System.out.println("host:helpers=" + helpers);
    }

    private static boolean sleep() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** The last line of the answer to {@code GET /} on 127.0.0.1:{@code port}, retried while the server starts. */
    private static String get(int port) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!answer.isEmpty()) {
                    return answer.substring(answer.lastIndexOf('\n') + 1);
                }
            } catch (java.io.IOException notYet) {
                // again
            }
            Thread.sleep(100);
        }
        return "(no answer)";
    }

    /** Median launch-to-exit time of {@code n} containers running /bin/true (user+mnt+pid+uts+ipc, or without user). */
    private static void bench(Path rootfs, int n, boolean noUserNamespace) throws Exception {
        ContainerSpec.Builder b = ContainerSpec.builder()
                .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC);
        if (noUserNamespace) {
            b.namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC);
        }
        ContainerSpec spec = b.rootfs(rootfs).command("/bin/true").build();
        long[] nanos = new long[n];
        for (int i = -20; i < n; i++) {
            long t0 = System.nanoTime();
            try (Container c = Launcher.launch(spec)) {
                c.waitFor();
            }
            if (i >= 0) {
                nanos[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("host:median_us=%d p90_us=%d%n", nanos[n / 2] / 1000, nanos[n * 9 / 10] / 1000);
    }
}
