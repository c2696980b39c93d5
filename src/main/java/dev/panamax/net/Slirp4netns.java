package dev.panamax.net;

import dev.panamax.net.UserModeNetwork.Port;
import dev.panamax.net.UserModeNetwork.Tool;
import dev.panamax.spec.InvalidSpecException;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The slirp4netns fallback: started with {@code --exit-fd=0} on this JVM's pipe (it exits when the pipe closes,
 * also when the JVM dies) and {@code --ready-fd=3} on a file; published ports go through its API socket
 * ({@code add_hostfwd}, IPv4 only).
 */
final class Slirp4netns {
    /** The longest socket path the kernel takes (sun_path holds 108 bytes with the terminating NUL). */
    private static final int MAX_SOCKET_PATH = 107;
    /** Runs the tool with descriptor 3 on its ready file ({@code sh -c READY_FD sh FILE TOOL ARGS...}). */
    private static final String READY_FD = "ready=$1; shift; exec \"$@\" 3>\"$ready\"";

    private Slirp4netns() {
    }

    /** slirp4netns's command line (without the tool's path) for {@code containerPid}. */
    static List<String> arguments(long containerPid, Path apiSocket) {
        List<String> args = new ArrayList<>(List.of("--configure", "--mtu=65520", "--disable-host-loopback",
                "--exit-fd=0", "--ready-fd=3"));
        if (apiSocket != null) {
            args.add("--api-socket=" + apiSocket);
        }
        args.addAll(List.of(Long.toString(containerPid), "tap0"));
        return args;
    }

    /** Starts slirp4netns ({@code exe}, after {@code prefix}), waits for its ready file, publishes the ports. */
    static UserModeNetwork start(Path exe, long containerPid, List<Port> ports, Path dir, List<String> prefix) {
        for (int i = 0; i < ports.size(); i++) {
            if (!UserModeNetwork.ipv4(ports.get(i))) {
                throw new InvalidSpecException("ports[" + i + "].hostAddress", "slirp4netns publishes on IPv4"
                        + " addresses only, not " + ports.get(i).hostAddress().getHostAddress());
            }
        }
        Path ready = dir.resolve("slirp4netns-" + containerPid + ".ready");
        Path log = dir.resolve("slirp4netns-" + containerPid + ".err");
        Path socket = ports.isEmpty() ? null : dir.resolve("slirp4netns-" + containerPid + ".sock");
        if (socket != null && socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new UserModeNetworkException("slirp4netns: the API socket path " + socket + " is longer than "
                    + MAX_SOCKET_PATH + " bytes; use a shorter runtime directory");
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", READY_FD, "sh", ready.toString()));
        command.addAll(prefix);
        command.add(exe.toString());
        command.addAll(arguments(containerPid, socket));
        Process p = UserModeNetwork.spawn(Tool.SLIRP4NETNS, command, log);
        List<Path> files = socket == null ? List.of(ready, log) : List.of(ready, log, socket);
        try {
            long pid = UserModeNetwork.awaitReady(Tool.SLIRP4NETNS, p, containerPid, ready, log, false);
            for (Port port : ports) {
                addHostfwd(socket, port);
            }
            return UserModeNetwork.of(Tool.SLIRP4NETNS, p, pid, files);
        } catch (RuntimeException e) {
            UserModeNetwork.stop(p, -1);
            UserModeNetwork.delete(files);
            throw e;
        }
    }

    /** The API request that publishes {@code p}. */
    static String hostfwdRequest(Port p) {
        String host = p.hostAddress() == null ? "0.0.0.0" : p.hostAddress().getHostAddress();
        return "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"" + p.protocol() + "\", \"host_addr\": \""
                + host + "\", \"host_port\": " + p.hostPort() + ", \"guest_port\": " + p.containerPort() + "}}";
    }

    /** Sends one request (the socket is shut down for writing after it, as the API wants) and checks the answer. */
    private static void addHostfwd(Path socket, Port p) {
        String answer;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap(hostfwdRequest(p).getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read the whole answer (under 4 KiB)
            }
            answer = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UserModeNetworkException("slirp4netns: cannot publish " + describe(p) + " through its API"
                    + " socket " + socket + ": " + e.getMessage(), e);
        }
        if (!answer.startsWith("{\"return\"")) {
            throw new UserModeNetworkException("slirp4netns refused to publish " + describe(p) + ": " + answer);
        }
    }

    private static String describe(Port p) {
        return p.protocol() + " host port " + p.hostPort() + " to container port " + p.containerPort();
    }
}
