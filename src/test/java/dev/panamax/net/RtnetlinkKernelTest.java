package dev.panamax.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.Linux;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.NetlinkException;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Rtnetlink against the real kernel, in network namespaces each test creates ({@code pmxnl-<random>}) and
 * deletes; nothing of the host's network is touched. Namespace "host" plays the host side (bridge, one
 * veth end), namespace "box" the container (the other end, created there directly).
 */
@Tag("kernel")
class RtnetlinkKernelTest {
    private static final InetAddress BRIDGE4 = address("10.99.0.1");
    private static final InetAddress BOX4 = address("10.99.0.2");
    private static final InetAddress BRIDGE6 = address("fd00:99::1");
    private static final InetAddress BOX6 = address("fd00:99::2");

    @Test
    void aBridgedVethPairWithAddressesAndDefaultRoutesCarriesTrafficAndIpSeesIt() throws Exception {
        try (TestNetns host = TestNetns.create(); TestNetns box = TestNetns.create()) {
            wire(host, box);
            try (Rtnetlink nl = Rtnetlink.openIn(host.fd); Rtnetlink in = Rtnetlink.openIn(box.fd)) {
                LinkInfo bridge = nl.link("pmxbr0").orElseThrow();
                assertEquals("bridge", bridge.kind());
                assertTrue(bridge.isUp());
                LinkInfo port = nl.link("pmxv0").orElseThrow();
                assertEquals("veth", port.kind());
                assertEquals(bridge.index(), port.master());
                assertTrue(port.isUp());
                assertEquals(List.of("lo", "pmxbr0", "pmxv0"), nl.links().stream().map(LinkInfo::name).toList());

                LinkInfo eth0 = in.link("eth0").orElseThrow();
                assertEquals("veth", eth0.kind());
                List<AddressInfo> addresses = in.addresses();
                assertTrue(addresses.contains(new AddressInfo(eth0.index(), BOX4, 24, Rtnl.IFA_F_PERMANENT, 0)),
                        addresses.toString());
                AddressInfo v6 = addresses.stream().filter(a -> a.address().equals(BOX6)).findFirst().orElseThrow();
                assertEquals(64, v6.prefixLength());
                assertEquals(Rtnl.IFA_F_NODAD, v6.flags() & Rtnl.IFA_F_NODAD, "IPv6 skips duplicate address detection");

                List<RouteInfo> defaults = in.routes().stream().filter(RouteInfo::isDefault).toList();
                assertEquals(List.of(Optional.of(BRIDGE4), Optional.of(BRIDGE6)),
                        defaults.stream().map(RouteInfo::gateway).toList(), defaults.toString());
                defaults.forEach(r -> assertEquals(eth0.index(), r.outputIndex()));
                defaults.forEach(r -> assertEquals(Rtnl.RT_TABLE_MAIN, r.table()));
            }

            String portText = host.ipIn("-d", "link", "show", "pmxv0");
            assertTrue(portText.contains("master pmxbr0") && portText.contains("veth"), portText);
            assertTrue(host.ipIn("-d", "link", "show", "pmxbr0").contains("bridge forward_delay"));
            String boxAddresses = box.ipIn("addr", "show", "eth0");
            assertTrue(boxAddresses.contains("inet 10.99.0.2/24") && boxAddresses.contains("inet6 fd00:99::2/64")
                    && boxAddresses.contains("state UP"), boxAddresses);
            assertTrue(box.ipIn("route").contains("default via 10.99.0.1 dev eth0"));
            assertTrue(box.ipIn("-6", "route").contains("default via fd00:99::1 dev eth0"));
            assertTrue(box.ipIn("link", "show", "lo").contains(",UP"), "loopback is up");

            assertEquals(BRIDGE4, connectAcross(host, box, BOX4), "IPv4 from the bridge reaches the box");
            assertEquals(BRIDGE6, connectAcross(host, box, BOX6), "IPv6 from the bridge reaches the box");
        }
    }

    @Test
    void refusalsNameTheLinkTheErrnoAndTheKernelsText() throws Exception {
        try (TestNetns host = TestNetns.create(); Rtnetlink nl = Rtnetlink.openIn(host.fd)) {
            nl.createBridge("pmxbr0");

            NetlinkException duplicate = assertThrows(NetlinkException.class, () -> nl.createBridge("pmxbr0"));
            assertEquals("EEXIST", duplicate.errnoName());
            assertEquals("RTM_NEWLINK", duplicate.call());
            assertTrue(duplicate.getMessage().startsWith("RTM_NEWLINK(bridge \"pmxbr0\"): EEXIST (File exists)"),
                    duplicate.getMessage());

            NetlinkException missing = assertThrows(NetlinkException.class, () -> nl.setUp("pmxnone0"));
            assertEquals("ENODEV", missing.errnoName());
            assertTrue(missing.getMessage().contains("\"pmxnone0\""), missing.getMessage());
            assertEquals(Optional.empty(), nl.link("pmxnone0"));
            NetlinkException noBridge = assertThrows(NetlinkException.class, () -> nl.setMaster("pmxbr0", "pmxnobr0"));
            assertEquals("ENODEV", noBridge.errnoName());
            assertTrue(noBridge.getMessage().contains("bridge \"pmxnobr0\""), noBridge.getMessage());

            NetlinkException tinyMtu = assertThrows(NetlinkException.class, () -> nl.setMtu("pmxbr0", 10));
            assertEquals("EINVAL", tinyMtu.errnoName());
            assertFalse(tinyMtu.extack().isEmpty(), "the kernel explains a refused MTU");
            assertEquals("RTM_NEWLINK(link \"pmxbr0\" mtu 10): EINVAL (Invalid argument); the kernel says: "
                    + tinyMtu.extack(), tinyMtu.getMessage());

            IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class,
                    () -> nl.addAddress("pmxbr0", BRIDGE4, 33));
            assertEquals("prefixLength of address 10.99.0.1/33 on link \"pmxbr0\": must be 0..32", prefix.getMessage());
            assertThrows(IllegalArgumentException.class, () -> nl.addAddress("pmxbr0", BRIDGE6, 129));
            IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> nl.createBridge("a/b"));
            assertEquals("name: interface name \"a/b\" contains '/', ':', NUL or white space", name.getMessage());

            nl.addAddress("pmxbr0", BRIDGE4, 24);
            NetlinkException twice = assertThrows(NetlinkException.class, () -> nl.addAddress("pmxbr0", BRIDGE4, 24));
            assertEquals("EEXIST", twice.errnoName());
            assertTrue(twice.getMessage().startsWith("RTM_NEWADDR(address 10.99.0.1/24 on link \"pmxbr0\")"),
                    twice.getMessage());
            nl.deleteAddress("pmxbr0", BRIDGE4, 24);
            assertTrue(nl.addresses().stream().noneMatch(a -> a.address().equals(BRIDGE4)));

            ErrnoException badFd = assertThrows(ErrnoException.class, () -> Rtnetlink.openIn(-1));
            assertEquals("setns", badFd.call());
            assertEquals("EBADF", badFd.errnoName());
        }
    }

    @Test
    void renameSetMtuMoveAndDeleteActOnTheNamedLink() {
        try (TestNetns host = TestNetns.create(); TestNetns box = TestNetns.create();
             Rtnetlink nl = Rtnetlink.openIn(host.fd); Rtnetlink in = Rtnetlink.openIn(box.fd)) {
            nl.createVeth("pmxa0", "pmxa1", -1);
            nl.setMtu("pmxa0", 1400);
            assertEquals(1400, nl.link("pmxa0").orElseThrow().mtu());
            assertTrue(host.ipIn("link", "show", "pmxa0").contains("mtu 1400"));

            nl.rename("pmxa1", "pmxb1");
            assertEquals(Optional.empty(), nl.link("pmxa1"));
            nl.moveToNetns("pmxb1", box.fd);
            assertEquals(Optional.empty(), nl.link("pmxb1"));
            assertEquals("veth", in.link("pmxb1").orElseThrow().kind());
            assertTrue(box.ipIn("link", "show", "pmxb1").contains("pmxb1"));

            nl.setUp("pmxa0");
            assertTrue(nl.link("pmxa0").orElseThrow().isUp());
            nl.setDown("pmxa0");
            assertFalse(nl.link("pmxa0").orElseThrow().isUp());

            nl.delete("pmxa0");
            assertEquals(Optional.empty(), nl.link("pmxa0"));
            assertEquals(Optional.empty(), in.link("pmxb1"), "deleting one end of a veth pair deletes both");
        }
    }

    @Test
    void openingInAnotherNamespaceLeavesTheCallingThreadInItsOwn() throws Exception {
        Path self = Path.of("/proc/thread-self/ns/net");
        Path before = Files.readSymbolicLink(self);
        try (TestNetns box = TestNetns.create(); Rtnetlink in = Rtnetlink.openIn(box.fd)) {
            assertEquals(before, Files.readSymbolicLink(self));
            assertEquals(List.of("lo"), in.links().stream().map(LinkInfo::name).toList(), "a new namespace has lo only");
            in.createBridge("pmxbr0");
            assertTrue(box.ipIn("link", "show", "pmxbr0").contains("pmxbr0"), "the link is made in the namespace");
        }
    }

    @Test
    void aPidfdOpensTheSocketInThatProcessesNamespace() throws Exception {
        try (TestNetns box = TestNetns.create()) {
            Process sleeper = new ProcessBuilder("ip", "netns", "exec", box.name, "sleep", "60").start();
            try {
                Object netns = Files.getAttribute(Path.of("/run/netns", box.name), "unix:ino");
                Path ns = Path.of("/proc", Long.toString(sleeper.pid()), "ns", "net");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Files.readSymbolicLink(ns).toString().equals("net:[" + netns + "]")) {
                    assertTrue(System.nanoTime() < deadline, "ip netns exec entered the namespace");
                    Thread.sleep(10);
                }
                int pidfd = dev.panamax.sys.internal.Libc.pidfdOpen((int) sleeper.pid());
                try (Rtnetlink in = Rtnetlink.openIn(pidfd)) {
                    in.createBridge("pmxbr9");
                } finally {
                    dev.panamax.sys.internal.Libc.close(pidfd);
                }
                assertTrue(box.ipIn("link", "show", "pmxbr9").contains("pmxbr9"));
            } finally {
                sleeper.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void twoHundredOperationsLeaveNoDescriptorBehind() throws Exception {
        try (TestNetns box = TestNetns.create()) {
            long before = openDescriptors();
            for (int i = 0; i < 200; i++) {
                try (Rtnetlink nl = i % 2 == 0 ? Rtnetlink.open() : Rtnetlink.openIn(box.fd)) {
                    assertTrue(nl.link("lo").isPresent());
                    assertThrows(NetlinkException.class, () -> nl.setUp("pmxnone0"));
                }
            }
            assertThrows(ErrnoException.class, () -> Rtnetlink.openIn(-1));
            assertTrue(openDescriptors() <= before, "descriptors before " + before + ", after " + openDescriptors());
        }
    }

    @Test
    void aDumpSpanningManyDatagramsListsEveryLinkAndAddress() throws Exception {
        try (TestNetns box = TestNetns.create(); Rtnetlink in = Rtnetlink.openIn(box.fd)) {
            for (int i = 0; i < 150; i++) {
                in.createVeth("pmxa" + i, "pmxb" + i, -1);
                in.addAddress("pmxa" + i, InetAddress.getByAddress(new byte[] {10, 98, (byte) i, 1}), 24);
            }
            List<String> names = in.links().stream().map(LinkInfo::name).toList();
            assertEquals(301, names.size(), "lo and 150 pairs");
            assertEquals(box.ipIn("-o", "link").lines().count(), names.size(), "ip counts the same links");
            assertTrue(names.contains("pmxa149") && names.contains("pmxb0"));
            assertEquals(150, in.addresses().stream().filter(a -> a.address().getAddress()[1] == 98).count());
        }
    }

    @Test
    void aClosedClientRefusesRequests() {
        Rtnetlink nl = Rtnetlink.open();
        nl.close();
        nl.close();
        assertEquals("netlink socket is closed",
                assertThrows(IllegalStateException.class, () -> nl.link("lo")).getMessage());
    }

    /** The host side: bridge, veth with its peer "eth0" made in the box, addresses, routes, all up. */
    private static void wire(TestNetns host, TestNetns box) {
        try (Rtnetlink nl = Rtnetlink.openIn(host.fd)) {
            nl.createBridge("pmxbr0");
            nl.createVeth("pmxv0", "eth0", box.fd);
            nl.setMaster("pmxv0", "pmxbr0");
            nl.addAddress("pmxbr0", BRIDGE4, 24);
            nl.addAddress("pmxbr0", BRIDGE6, 64);
            nl.setUp("pmxbr0");
            nl.setUp("pmxv0");
        }
        try (Rtnetlink in = Rtnetlink.openIn(box.fd)) {
            in.loopbackUp();
            in.addAddress("eth0", BOX4, 24);
            in.addAddress("eth0", BOX6, 64);
            in.setUp("eth0");
            in.addDefaultRoute(BRIDGE4);
            in.addDefaultRoute(BRIDGE6);
        }
    }

    /** Connects over TCP from the host namespace to {@code target} in the box; returns the source the box saw. */
    private static InetAddress connectAcross(TestNetns host, TestNetns box, InetAddress target) throws Exception {
        try (ServerSocket server = inNetns(box, () -> new ServerSocket(0, 1, target))) {
            server.setSoTimeout(10_000);
            int port = server.getLocalPort();
            inNetns(host, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(target, port), 10_000);
                    s.getOutputStream().write('x');
                }
                return null;
            });
            try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                assertEquals('x', in.read());
                return accepted.getInetAddress();
            }
        }
    }

    /** Runs {@code task} on a new platform thread that joins the namespace first and ends afterwards. */
    private static <T> T inNetns(TestNetns ns, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(() -> {
            Linux.setns(ns.fd, Namespace.NET);
            return task.call();
        });
        Thread.ofPlatform().start(future);
        return future.get(30, TimeUnit.SECONDS);
    }

    private static long openDescriptors() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
