package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.Linux;
import dev.panamax.sys.Namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Checks and settings of the host's network that a bridge network needs: a host port must be free before it
 * is published, a subnet must not overlap a route the host already has, and forwarding must be on.
 *
 * <p>Panamax turns on {@code net.ipv4.ip_forward} (and {@code net.ipv6.conf.all.forwarding} for an IPv6
 * subnet), as podman and Docker do: without it nothing leaves a bridge. It turns on
 * {@code net.ipv4.conf.<bridge>.route_localnet} so that a published port answers on {@code 127.0.0.1}. Neither
 * is turned off again (other bridges and tools may rely on them).
 *
 * <p>Everything happens in the network namespace given to the constructor: the JVM's own, or a namespace file
 * joined by a short-lived thread of its own ({@code setns}), which then ends; the JVM's other threads are
 * never moved.
 */
public final class HostNetwork {
    private static final Pattern INTERFACE = Pattern.compile("[^/\\s:]{1,15}");

    private final Path netns;

    /** The JVM's own network namespace. */
    public HostNetwork() {
        this(null);
    }

    /**
     * The network namespace of a namespace file.
     *
     * @param netns a network namespace file, e.g. {@code /run/netns/NAME}, or null for the JVM's own
     */
    public HostNetwork(Path netns) {
        this.netns = netns;
    }

    /**
     * Checks that a host port can be bound, by binding it and letting it go. A port published by
     * {@link Nftables} holds no socket, so this does not see it: {@link Nftables#publish} refuses a port
     * taken there.
     *
     * @param protocol    {@code tcp} or {@code udp}
     * @param hostAddress the host address the port will be published on, or null for every address
     * @param port        the port, 1 to 65535
     * @throws IllegalArgumentException if the protocol or port is invalid
     * @throws ErrnoException           if the port cannot be bound, e.g. {@code bind(tcp *:8080): EADDRINUSE
     *                                  (Address already in use); host tcp port 8080 is taken ...}
     */
    public void requirePortFree(String protocol, InetAddress hostAddress, int port) {
        PublishedPort.protocol(protocol);
        PublishedPort.port("port", port);
        String where = protocol + " " + (hostAddress == null || hostAddress.isAnyLocalAddress() ? "*"
                : PublishedPort.literal(hostAddress)) + ":" + port;
        inNamespace(() -> {
            InetSocketAddress address = hostAddress == null ? new InetSocketAddress(port)
                    : new InetSocketAddress(hostAddress, port);
            try (NetworkChannel channel = protocol.equals("tcp") ? ServerSocketChannel.open()
                    : hostAddress == null ? DatagramChannel.open()
                    : DatagramChannel.open(hostAddress instanceof Inet4Address ? StandardProtocolFamily.INET
                    : StandardProtocolFamily.INET6)) {
                channel.bind(address);
            } catch (IOException e) {
                String message = Objects.requireNonNullElse(e.getMessage(), "");
                String name = Errno.byDescription(message.replaceFirst(" \\(.*", "")).orElse(null);
                if (name == null) {
                    throw new UncheckedIOException("bind(" + where + ")", e);
                }
                String hint = switch (name) {
                    case "EADDRINUSE" -> "host " + protocol + " port " + port + " is taken on this host (a server "
                            + "or another container listens there): publish another";
                    case "EADDRNOTAVAIL" -> "the host address is not one of this host's";
                    default -> null;
                };
                throw new ErrnoException("bind", Errno.number(name), where, hint);
            }
            return null;
        });
    }

    /**
     * Checks that no route of the host ({@code /proc/net/route}: the main table; {@code /proc/net/ipv6_route})
     * overlaps {@code subnet/prefix}, but default routes, link-local and multicast ones, routes on the loopback
     * and routes on {@code bridge} itself.
     *
     * @param subnet an address of the subnet
     * @param prefix its prefix length
     * @param bridge the network's own bridge whose routes are ignored, or null
     * @throws InvalidSpecException naming the subnet, the overlapping route and its device (field
     *                              {@code subnet})
     * @throws IllegalArgumentException if the prefix is out of range
     */
    public void requireNoRouteOverlap(InetAddress subnet, int prefix, String bridge) {
        String wanted = Nftables.subnetElement(subnet, prefix);
        List<Route> routes = inNamespace(() -> subnet instanceof Inet4Address
                ? parseIpv4Routes(read(Path.of("/proc/thread-self/net/route")))
                : parseIpv6Routes(read(Path.of("/proc/thread-self/net/ipv6_route"))));
        for (Route r : routes) {
            if (r.prefix() == 0 || r.device().equals("lo") || r.device().equals(bridge)
                    || r.destination().isLinkLocalAddress() || r.destination().isMulticastAddress()) {
                continue;
            }
            int shorter = Math.min(prefix, r.prefix());
            if (Nftables.subnetElement(subnet, shorter).equals(Nftables.subnetElement(r.destination(), shorter))) {
                throw new InvalidSpecException("subnet", wanted + " overlaps the host route "
                        + Nftables.subnetElement(r.destination(), r.prefix()) + " on device " + r.device()
                        + ": choose a subnet the host does not route");
            }
        }
    }

    /**
     * Turns packet forwarding on: {@code net.ipv4.ip_forward}, and {@code net.ipv6.conf.all.forwarding} when
     * {@code ipv6} (on a host that takes its IPv6 route from router advertisements, forwarding makes it ignore
     * them unless {@code accept_ra} is 2: turn it on only for a network with an IPv6 subnet).
     *
     * @param ipv6 whether to turn IPv6 forwarding on too
     * @return whether a setting was changed (false if all were on)
     * @throws ErrnoException naming the sysctl file if it cannot be written
     */
    public boolean enableIpForward(boolean ipv6) {
        boolean changed = enable(Path.of("/proc/sys/net/ipv4/ip_forward"));
        return ipv6 ? enable(Path.of("/proc/sys/net/ipv6/conf/all/forwarding")) || changed : changed;
    }

    /**
     * Turns on {@code net.ipv4.conf.<bridge>.route_localnet}: packets from {@code 127.0.0.1} rewritten to a
     * container (a published port reached on the loopback) may then be routed out of the bridge.
     *
     * @param bridge the bridge's name
     * @return whether the setting was changed (false if it was on)
     * @throws IllegalArgumentException if {@code bridge} is not an interface name
     * @throws ErrnoException           naming the sysctl file if there is no such interface or it cannot be written
     */
    public boolean enableRouteLocalnet(String bridge) {
        Objects.requireNonNull(bridge, "bridge");
        if (!INTERFACE.matcher(bridge).matches() || bridge.equals(".") || bridge.equals("..")) {
            throw new IllegalArgumentException("bridge: not an interface name: \"" + bridge + "\"");
        }
        return enable(Path.of("/proc/sys/net/ipv4/conf", bridge, "route_localnet"));
    }

    /** Writes 1 to a sysctl file unless it reads 1; returns whether it wrote. */
    private boolean enable(Path sysctl) {
        return inNamespace(() -> {
            if (read(sysctl).strip().equals("1")) {
                return false;
            }
            try {
                Files.writeString(sysctl, "1\n");
            } catch (IOException e) {
                throw fileError("write", sysctl, e);
            }
            return true;
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw fileError("open", file, e);
        }
    }

    private static RuntimeException fileError(String call, Path file, IOException e) {
        String reason = e instanceof NoSuchFileException ? "No such file or directory"
                : e instanceof java.nio.file.FileSystemException f ? Objects.requireNonNullElse(f.getReason(), "")
                : Objects.requireNonNullElse(e.getMessage(), "");
        return Errno.byDescription(reason)
                .<RuntimeException>map(name -> new ErrnoException(call, Errno.number(name), "\"" + file + "\""))
                .orElseGet(() -> new UncheckedIOException(call + " " + file, e));
    }

    /** Runs {@code action} in this object's namespace: here, or on a new platform thread that joins it. */
    private <T> T inNamespace(Supplier<T> action) {
        if (netns == null) {
            return action.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().name("panamax-netns").start(() -> {
            try {
                Linux.setns(netns, Namespace.NET); // this thread only; it ends right after
                result.complete(action.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            thread.join();
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in network namespace " + netns, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A route: destination network, prefix length and device. */
    record Route(InetAddress destination, int prefix, String device) {}

    /** The routes of {@code /proc/net/route}: addresses and masks in hex, in the host's byte order. */
    static List<Route> parseIpv4Routes(String table) {
        List<Route> routes = new ArrayList<>();
        for (String line : table.lines().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            int destination = Integer.parseUnsignedInt(f[1], 16);
            int mask = Integer.parseUnsignedInt(f[7], 16);
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                destination = Integer.reverseBytes(destination);
                mask = Integer.reverseBytes(mask);
            }
            byte[] bytes = {(byte) (destination >>> 24), (byte) (destination >>> 16), (byte) (destination >>> 8),
                    (byte) destination};
            routes.add(new Route(address(bytes), Integer.bitCount(mask), f[0]));
        }
        return routes;
    }

    /** The routes of {@code /proc/net/ipv6_route}: destination, prefix length (hex), ..., device last. */
    static List<Route> parseIpv6Routes(String table) {
        List<Route> routes = new ArrayList<>();
        for (String line : table.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[0].length() != 32) {
                continue;
            }
            routes.add(new Route(address(HexFormat.of().parseHex(f[0])), Integer.parseInt(f[1], 16), f[9]));
        }
        return routes;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes
        }
    }
}
