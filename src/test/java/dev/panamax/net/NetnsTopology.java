package dev.panamax.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three network namespaces of a test's own: {@code client} (10.231.1.2/24, a "container" behind a bridge),
 * {@code router} (the "host": bridge {@code pbr0} 10.231.1.1/24 with the client's veth, and
 * 198.18.5.1/24 towards outside, forwarding on) and {@code outside} (198.18.5.2/24, "the world", with no
 * route back to the client's subnet); the same in IPv6 (fd00:231:1::/64 behind the bridge, fd00:5::/64
 * outside). {@link #close()} kills every process left in them and deletes them.
 */
final class NetnsTopology implements AutoCloseable {
    static final String CLIENT_IP = "10.231.1.2";
    static final String BRIDGE_IP = "10.231.1.1";
    static final String ROUTER_OUTSIDE_IP = "198.18.5.1";
    static final String OUTSIDE_IP = "198.18.5.2";
    static final String BRIDGE = "pbr0";
    static final String CLIENT_IP6 = "fd00:231:1::2";
    static final String ROUTER_OUTSIDE_IP6 = "fd00:5::1";
    static final String OUTSIDE_IP6 = "fd00:5::2";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String client;
    final String router;
    final String outside;

    private NetnsTopology(String prefix) {
        client = prefix + "c";
        router = prefix + "r";
        outside = prefix + "o";
    }

    /** Builds the three namespaces; on failure removes what it made. */
    static NetnsTopology create() {
        NetnsTopology t = new NetnsTopology("pmxnft" + ProcessHandle.current().pid() % 100_000 + "x"
                + COUNTER.incrementAndGet());
        try {
            for (String ns : t.all()) {
                run("ip", "netns", "add", ns);
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            run("ip", "link", "add", "c0", "netns", t.client, "type", "veth", "peer", "name", "rc", "netns", t.router);
            run("ip", "link", "add", "o0", "netns", t.outside, "type", "veth", "peer", "name", "ro", "netns",
                    t.router);
            run("ip", "-n", t.router, "link", "add", BRIDGE, "type", "bridge");
            run("ip", "-n", t.router, "link", "set", "rc", "master", BRIDGE);
            // a container reaching its own published port: with br_netfilter loaded the DNAT happens at the
            // bridge, which sends the packet back out of the port it came in only in hairpin mode
            run("ip", "-n", t.router, "link", "set", "rc", "type", "bridge_slave", "hairpin", "on");
            run("ip", "-n", t.router, "addr", "add", BRIDGE_IP + "/24", "dev", BRIDGE);
            run("ip", "-n", t.router, "addr", "add", ROUTER_OUTSIDE_IP + "/24", "dev", "ro");
            run("ip", "-n", t.client, "addr", "add", CLIENT_IP + "/24", "dev", "c0");
            run("ip", "-n", t.outside, "addr", "add", OUTSIDE_IP + "/24", "dev", "o0");
            run("ip", "-n", t.router, "addr", "add", "fd00:231:1::1/64", "dev", BRIDGE, "nodad");
            run("ip", "-n", t.router, "addr", "add", ROUTER_OUTSIDE_IP6 + "/64", "dev", "ro", "nodad");
            run("ip", "-n", t.client, "addr", "add", CLIENT_IP6 + "/64", "dev", "c0", "nodad");
            run("ip", "-n", t.outside, "addr", "add", OUTSIDE_IP6 + "/64", "dev", "o0", "nodad");
            for (String link : List.of(BRIDGE, "rc", "ro")) {
                run("ip", "-n", t.router, "link", "set", link, "up");
            }
            run("ip", "-n", t.client, "link", "set", "c0", "up");
            run("ip", "-n", t.outside, "link", "set", "o0", "up");
            run("ip", "-n", t.client, "route", "add", "default", "via", BRIDGE_IP);
            run("ip", "-n", t.client, "-6", "route", "add", "default", "via", "fd00:231:1::1");
            new HostNetwork(t.path(t.router)).enableIpForward(true);
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    List<String> all() {
        return List.of(client, router, outside);
    }

    /** {@return the namespace file of one of the namespaces} */
    Path path(String ns) {
        return Path.of("/run/netns", ns);
    }

    /** Runs a command in a namespace; returns its exit code and output. */
    Result in(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return exec(cmd, null);
    }

    /** Runs a command in a namespace with standard input. */
    Result inWithInput(String ns, String stdin, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return exec(cmd, stdin);
    }

    /** A finished command: exit code and output (stdout then stderr). */
    record Result(int code, String stdout, String stderr) {
        Result ok() {
            if (code != 0) {
                throw new AssertionError("exit code " + code + ": " + stdout + stderr);
            }
            return this;
        }
    }

    static String run(String... command) {
        return exec(List.of(command), null).ok().stdout();
    }

    static Result exec(List<String> command, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the processes left in the namespaces (all started by the test) and deletes the namespaces. */
    @Override
    public void close() {
        for (String ns : all()) {
            Result pids = exec(List.of("ip", "netns", "pids", ns), null);
            for (String pid : pids.stdout().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        for (String ns : all()) {
            exec(List.of("ip", "netns", "delete", ns), null);
        }
    }
}
