package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host checks and settings, in the JVM's namespace (ports on the loopback only) and in a network
 * namespace of the test's own with two bridges of its own (routes, sysctls).
 */
@Tag("kernel")
class HostNetworkTest {
    private String ns;
    private HostNetwork inNs;

    @BeforeEach
    void namespace() {
        ns = "pmxnfth" + ProcessHandle.current().pid() % 100_000 + "x" + System.nanoTime() % 100_000;
        NetnsTopology.run("ip", "netns", "add", ns);
        inNs = new HostNetwork(Path.of("/run/netns", ns));
        NetnsTopology.run("ip", "-n", ns, "link", "set", "lo", "up");
        for (String bridge : List.of("pmxb", "pmxo")) {
            NetnsTopology.run("ip", "-n", ns, "link", "add", bridge, "type", "bridge");
            NetnsTopology.run("ip", "-n", ns, "link", "set", bridge, "up");
        }
        NetnsTopology.run("ip", "-n", ns, "addr", "add", "10.232.0.1/16", "dev", "pmxb");
        NetnsTopology.run("ip", "-n", ns, "addr", "add", "fd12:3456::1/64", "dev", "pmxb", "nodad");
        NetnsTopology.run("ip", "-n", ns, "route", "add", "10.250.0.0/16", "dev", "pmxo");
    }

    @AfterEach
    void removeNamespace() {
        NetnsTopology.Result pids = NetnsTopology.exec(List.of("ip", "netns", "pids", ns), null);
        for (String pid : pids.stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        NetnsTopology.run("ip", "netns", "delete", ns);
    }

    @Test
    void aTakenPortIsRefusedNamingProtocolAddressPortAndErrno() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        HostNetwork host = new HostNetwork();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            int port = server.getLocalPort();
            ErrnoException e = assertThrows(ErrnoException.class, () -> host.requirePortFree("tcp", loopback, port));
            assertEquals("EADDRINUSE", e.errnoName());
            assertTrue(e.getMessage().startsWith("bind(tcp 127.0.0.1:" + port + "): EADDRINUSE (Address already in "
                    + "use); host tcp port " + port + " is taken"), e.getMessage());
            // every address includes the loopback
            ErrnoException any = assertThrows(ErrnoException.class, () -> host.requirePortFree("tcp", null, port));
            assertTrue(any.getMessage().startsWith("bind(tcp *:" + port + "): EADDRINUSE"), any.getMessage());
            // the same port number over UDP is another port
            host.requirePortFree("udp", loopback, port);
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            int port = socket.getLocalPort();
            ErrnoException e = assertThrows(ErrnoException.class, () -> host.requirePortFree("udp", loopback, port));
            assertTrue(e.getMessage().startsWith("bind(udp 127.0.0.1:" + port + "): EADDRINUSE"), e.getMessage());
        }
    }

    @Test
    void anAddressThatIsNotTheHostsOrANamespaceThatIsGoneIsNamed() throws IOException {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> inNs.requirePortFree("tcp", InetAddress.getByName("10.99.99.99"), 8080));
        assertEquals("bind(tcp 10.99.99.99:8080): EADDRNOTAVAIL (Cannot assign requested address); the host "
                + "address is not one of this host's", e.getMessage());
        ErrnoException gone = assertThrows(ErrnoException.class,
                () -> new HostNetwork(Path.of("/run/netns/pmxnft-none")).enableIpForward(false));
        assertTrue(gone.getMessage().contains("/run/netns/pmxnft-none") && gone.errnoName().equals("ENOENT"),
                gone.getMessage());
    }

    @Test
    void aFreePortPassesAndThePortIsLetGo() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        new HostNetwork().requirePortFree("tcp", InetAddress.getByName("127.0.0.1"), port);
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort());
        }
    }

    @Test
    void thePortCheckLooksAtTheGivenNamespace() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            inNs.requirePortFree("tcp", InetAddress.getByName("127.0.0.1"), port); // taken in the JVM's only
            Process listener = new ProcessBuilder("ip", "netns", "exec", ns, "socat",
                    "TCP-LISTEN:" + port + ",bind=127.0.0.1", "-").start();
            try {
                long deadline = System.nanoTime() + 5_000_000_000L;
                ErrnoException taken = null;
                while (taken == null && System.nanoTime() < deadline) {
                    try {
                        inNs.requirePortFree("tcp", InetAddress.getByName("127.0.0.1"), port);
                        Thread.sleep(20);
                    } catch (ErrnoException e) {
                        taken = e;
                    }
                }
                assertTrue(taken != null && taken.errnoName().equals("EADDRINUSE"), "socat's port in the namespace");
            } finally {
                listener.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aSubnetOverlappingARouteIsRefusedNamingTheRouteAndItsDevice() throws Exception {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> inNs.requireNoRouteOverlap(InetAddress.getByName("10.250.3.0"), 24, "pmxb"));
        assertEquals("subnet: 10.250.3.0/24 overlaps the host route 10.250.0.0/16 on device pmxo: choose a subnet "
                + "the host does not route", e.getMessage());
        assertEquals("subnet", e.field());
        InvalidSpecException wider = assertThrows(InvalidSpecException.class,
                () -> inNs.requireNoRouteOverlap(InetAddress.getByName("10.0.0.0"), 8, "pmxo"));
        assertTrue(wider.getMessage().contains("10.232.0.0/16 on device pmxb"), wider.getMessage());
        // the network's own bridge is no conflict; another subnet neither; the loopback and local routes not
        inNs.requireNoRouteOverlap(InetAddress.getByName("10.232.0.0"), 24, "pmxb");
        inNs.requireNoRouteOverlap(InetAddress.getByName("10.233.0.0"), 24, null);
        inNs.requireNoRouteOverlap(InetAddress.getByName("127.0.0.0"), 8, null);

        InvalidSpecException v6 = assertThrows(InvalidSpecException.class,
                () -> inNs.requireNoRouteOverlap(InetAddress.getByName("fd12:3456::"), 48, null));
        assertTrue(v6.getMessage().startsWith("subnet: fd12:3456::/48 overlaps the host route fd12:3456::/64 "
                + "on device pmxb"), v6.getMessage());
        inNs.requireNoRouteOverlap(InetAddress.getByName("fd12:3456::"), 64, "pmxb");
        inNs.requireNoRouteOverlap(InetAddress.getByName("fd99::"), 64, null); // fe80::/64, ff00::/8: ignored
    }

    @Test
    void forwardingAndRouteLocalnetAreTurnedOnInTheNamespaceOnly() throws IOException {
        String hostForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward"));
        assertEquals("0\n0\n0\n", sysctls());
        assertTrue(inNs.enableIpForward(true));
        assertTrue(inNs.enableRouteLocalnet("pmxb"));
        assertEquals("1\n1\n1\n", sysctls());
        assertFalse(inNs.enableIpForward(true));
        assertFalse(inNs.enableRouteLocalnet("pmxb"));
        assertEquals(hostForward, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")));

        ErrnoException missing = assertThrows(ErrnoException.class, () -> inNs.enableRouteLocalnet("pmxnone0"));
        assertEquals("open(\"/proc/sys/net/ipv4/conf/pmxnone0/route_localnet\"): ENOENT (No such file or directory)",
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> inNs.enableRouteLocalnet("../all"));
    }

    private String sysctls() {
        return NetnsTopology.exec(List.of("ip", "netns", "exec", ns, "cat", "/proc/sys/net/ipv4/ip_forward",
                "/proc/sys/net/ipv6/conf/all/forwarding", "/proc/sys/net/ipv4/conf/pmxb/route_localnet"), null)
                .ok().stdout();
    }
}
