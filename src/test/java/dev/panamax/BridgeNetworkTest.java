package dev.panamax;

import dev.panamax.net.BridgeNetwork;
import dev.panamax.net.Bridges;
import dev.panamax.net.IpPrefix;
import dev.panamax.net.Network;
import dev.panamax.net.PortMapping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers on a bridge network, end to end through the launch: eth0 with a leased address, routes and MTU,
 * the container's /etc files; two containers reaching each other; NAT to an "outside" namespace of the test's
 * own; published ports from the host's loopback; and nothing left behind. Each test class uses a bridge and
 * subnet of its own ({@link NetTestHost}), removed afterwards with Panamax's table if the test made it.
 */
@Tag("kernel")
class BridgeNetworkTest extends BusyboxTest {
    private static NetTestHost host;
    private static BridgeNetwork network;

    @BeforeAll
    static void network() throws Exception {
        host = NetTestHost.open();
        network = host.bridge("pmxbr", 10, 0);
        // clients the busybox fixture lacks (its wget crashes on this host): curl for HTTP, socat for UDP, with
        // their libraries, copied from a rootfs of host programs into the fixture's /usr
        Path tools = Files.createTempDirectory("panamax-net-tools");
        try {
            dev.panamax.rootfs.Rootfs.fromHost(tools, "curl", "socat");
            sh("cp -a " + tools.resolve("usr") + " " + root.path() + "/usr && ln -s usr/lib " + root.path()
                    + "/lib && ln -s usr/lib64 " + root.path() + "/lib64");
        } finally {
            NetTestHost.deleteTree(tools);
        }
    }

    private static ContainerSpec.Builder on(BridgeNetwork n, String script) {
        return ContainerSpec.builder().rootfs(root.path()).network(Network.bridge(n)).command("sh", "-c", script);
    }

    /** busybox httpd in the foreground answering {@code text} at / on port 80. */
    private static String web(String text) {
        return "mkdir -p /tmp/www && echo " + text + " > /tmp/www/index.html && httpd -p 80 -h /tmp/www";
    }

    private static String ip(InetAddress a) {
        return a.getHostAddress();
    }

    @AfterAll
    static void removeNetwork() throws Exception {
        host.close();
    }

    @Test
    void aBridgedContainerHasEth0ItsLeasedAddressARouteAndItsEtcFiles() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).hostname("web").network(Network.bridge(network))
                .command("sh", "-c", "ip -o addr show eth0; ip route; cat /etc/hosts /etc/hostname /etc/resolv.conf")
                .stdout(Stdio.pipe()).stderr(Stdio.pipe()).build();
        try (Container c = Launcher.launch(spec)) {
            Run r = Run.of(c, spec.process().argv()).ok();
            InetAddress address = c.addresses().getFirst();
            assertTrue(network.subnet().contains(address), address + " in " + network.subnet());
            String out = r.stdout();
            assertTrue(out.contains("inet " + address.getHostAddress() + "/" + network.subnet().length()), out);
            assertTrue(out.contains("default via " + network.gateway().getHostAddress() + " dev eth0"), out);
            assertTrue(out.lines().anyMatch(l -> l.matches(address.getHostAddress() + "\\s+web")), out);
            assertTrue(out.contains("web\n"), out);
        }
    }

    @Test
    void aContainerGetsTheAddressItAsksForAndASecondOneCannotTakeIt() throws Exception {
        InetAddress chosen = network.subnet().host(200);
        try (Container c = Launcher.launch(ContainerSpec.builder().rootfs(root.path())
                .network(Network.bridge(network, chosen)).command("sleep", "600").build())) {
            assertEquals(chosen, c.addresses().getFirst());
            LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(ContainerSpec.builder()
                    .rootfs(root.path()).network(Network.bridge(network, chosen)).command("true").build()).close());
            assertTrue(e.getMessage().contains("the address " + ip(chosen) + " is leased to a running container"),
                    e.getMessage());
        }
    }

    @Test
    void aCreatedContainerGetsItsNetworkAndHoldsItsLeaseItself() throws Exception {
        ContainerSpec spec = on(network, "ip -o -4 addr show eth0").stdout(Stdio.pipe()).build();
        try (CreatedContainer c = Launcher.create(spec)) {
            InetAddress a = c.addresses().getFirst();
            dev.panamax.net.LeaseRecord lease = new dev.panamax.net.Leases(network).leases().stream()
                    .filter(r -> r.address().equals(a)).findFirst().orElseThrow();
            assertEquals(c.pid(), lease.holderPid(), "a created container may outlive this JVM: it holds its lease");
            c.start();
            String out = new String(c.stdout().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, c.waitFor().code(), out);
            assertTrue(out.contains("inet " + ip(a) + "/" + network.subnet().length()), out);
        }
    }

    @Test
    void twoContainersOnOneBridgeReachEachOther() throws Exception {
        try (Container server = Launcher.launch(on(network, web("hello-from-web") + " && exec sleep 600").build())) {
            String a = ip(server.addresses().getFirst());
            ContainerSpec client = on(network, "ping -c 1 -W 2 " + a + " >/dev/null && echo PING-OK;"
                    + " for i in $(seq 50); do curl -s http://" + a + "/ && break; sleep 0.1; done")
                    .stdout(Stdio.pipe()).stderr(Stdio.pipe()).build();
            try (Container c = Launcher.launch(client)) {
                String out = Run.of(c, client.process().argv()).ok().stdout();
                assertTrue(out.contains("PING-OK"), out);
                assertTrue(out.contains("hello-from-web"), out);
            }
        }
    }

    @Test
    void publishedPortsAnswerOnTheHostsLoopbackTcpAndUdp() throws Exception {
        int tcp = freePort(false);
        int udp = freePort(true);
        ContainerSpec spec = on(network, web("published") + " && exec socat -T 5 UDP-LISTEN:5353,fork EXEC:cat")
                .publish(PortMapping.tcp(tcp, 80), PortMapping.udp(udp, 5353)).build();
        try (Container c = Launcher.launch(spec)) {
            // the host's own loopback, as users try it: curl 127.0.0.1:PORT (retried while httpd starts)
            String body = sh("for i in $(seq 50); do curl -s --max-time 2 http://127.0.0.1:" + tcp
                    + "/ && break; sleep 0.1; done; true");
            assertEquals("published\n", body, "the container's httpd answers on 127.0.0.1:" + tcp);
            assertEquals("ping-udp", udpEcho(udp, "ping-udp"));
        }
        eventually(() -> assertTrue(published().stream().noneMatch(p -> p.hostPort() == tcp || p.hostPort() == udp),
                "the port rules went with the container: " + published()));
    }

    /** Sends {@code text} to 127.0.0.1:{@code port} until an answer comes (the server may still start). */
    private static String udpEcho(int port, String text) throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
            s.setSoTimeout(300);
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < 30; i++) {
                s.send(new java.net.DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
                java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[256], 256);
                try {
                    s.receive(answer);
                    return new String(answer.getData(), 0, answer.getLength(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.net.SocketTimeoutException notYet) {
                    // again
                }
            }
        }
        return "(no answer from udp 127.0.0.1:" + port + ")";
    }

    @Test
    void aContainerReachesTheOutsideThroughNatWithTheHostsAddress() throws Exception {
        String ns = "pmxout" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
        String hostEnd = ns + "h";
        int x = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(250);
        String hostAddress = "10.250." + x + ".1";
        String outsideAddress = "10.250." + x + ".2";
        Process server = null;
        try {
            sh("ip netns add " + ns + " && ip link add " + hostEnd + " type veth peer name eth0 netns " + ns
                    + " && ip addr add " + hostAddress + "/30 dev " + hostEnd + " && ip link set " + hostEnd + " up"
                    + " && ip -n " + ns + " addr add " + outsideAddress + "/30 dev eth0 && ip -n " + ns
                    + " link set eth0 up && ip -n " + ns + " link set lo up");
            server = new ProcessBuilder("ip", "netns", "exec", ns, "socat", "TCP-LISTEN:7000,reuseaddr,fork",
                    "SYSTEM:echo peer=$SOCAT_PEERADDR").redirectErrorStream(true).start();
            ContainerSpec client = on(network, "for i in $(seq 50); do socat -T 2 - TCP:" + outsideAddress
                    + ":7000 </dev/null && break; sleep 0.1; done").stdout(Stdio.pipe()).stderr(Stdio.pipe()).build();
            try (Container c = Launcher.launch(client)) {
                String out = Run.of(c, client.process().argv()).ok().stdout();
                assertTrue(out.contains("peer=" + hostAddress), "masqueraded to the host's address: " + out);
                assertFalse(out.contains("peer=" + ip(c.addresses().getFirst())), out);
            }
        } finally {
            if (server != null) {
                server.destroyForcibly().waitFor();
            }
            sh("ip link del " + hostEnd + " 2>/dev/null; ip netns del " + ns + " 2>/dev/null; true");
        }
    }

    @Test
    void fiftyContainersFromFourThreadsGetDistinctAddressesAndLeaveNothing() throws Exception {
        List<String> linksBefore = links();
        java.util.Set<InetAddress> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Container> all = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ContainerSpec spec = on(network, "sleep 600").publish().build();
        // the explicit host ports lie below the kernel's ephemeral range, where the other containers' port 0 binds
        // cannot take one between its choice here and its container's launch
        List<Integer> explicit = freePortsBelowTheEphemeralRange(10);
        try {
            List<Thread> threads = new java.util.ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            for (int t = 0; t < 4; t++) {
                int first = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = first; i < 50; i += 4) {
                        try {
                            Container c = Launcher.launch(i % 5 == 0 ? spec.toBuilder()
                                    .publish(PortMapping.tcp(explicit.get(i / 5), 80)).build() : spec);
                            all.add(c);
                            seen.add(c.addresses().getFirst());
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(50, seen.size(), "50 distinct addresses: " + seen);
        } finally {
            for (Container c : all) {
                c.close();
            }
        }
        // a closed container's network is undone off the caller's path: wait for it
        eventually(() -> {
            assertEquals(linksBefore, links(), "no veth left");
            try (var leases = Files.list(dev.panamax.net.Leases.ROOT.resolve(network.name()))) {
                assertEquals(List.of(), leases.filter(p -> !p.getFileName().toString().startsWith(".")).toList(),
                        "no lease left");
            }
            assertTrue(published().stream().noneMatch(p -> network.subnet().contains(p.containerAddress())),
                    "no port rule left: " + published());
            assertNoEtcFilesLeft();
        });
    }

    interface Check {
        void run() throws Exception;
    }

    /** {@code check} passes within 10 s (what a closed container leaves is removed in the background). */
    static void eventually(Check check) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void assertNoEtcFilesLeft() throws Exception {
        Path dir = Path.of("/run/panamax/containers", network.name());
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), "no container's /etc files left");
            }
        }
    }

    @Test
    void theLeasesAndPortsOfAKilledJvmAreReclaimedByTheNextLaunch() throws Exception {
        BridgeNetwork other = host.bridge("pmxkl", 20, 0).withoutIpv6();
        int port = freePort(false);
        Process jvm = ChildJvm.start(BridgeProbe.class, root.path().toString(), other.name(), other.subnet().toString(),
                Integer.toString(port));
        String dead;
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream())).readLine();
            assertTrue(line != null && line.startsWith("address "), "the probe launched: " + line);
            dead = line.substring("address ".length());
        } finally {
            jvm.destroyForcibly().waitFor(); // SIGKILL: the container dies with it, its lease and port stay
        }
        assertTrue(published().stream().anyMatch(p -> p.hostPort() == port), "the killed JVM's port rule stays");
        // its container dies with it (parent-death signal): wait until the lease's holder is gone
        for (dev.panamax.net.LeaseRecord r : new dev.panamax.net.Leases(other).leases()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.exists(Path.of("/proc/" + r.holderPid())) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        try (Container c = Launcher.launch(on(other, "true").build())) {
            c.waitFor();
            assertTrue(published().stream().noneMatch(p -> p.hostPort() == port), "reclaimed: " + published());
            // the dead lease is gone (its address may be leased again: to this container)
            List<dev.panamax.net.LeaseRecord> leases = new dev.panamax.net.Leases(other).leases();
            assertEquals(1, leases.size(), "only this container's lease: " + leases);
            assertEquals(ProcessHandle.current().pid(), leases.getFirst().ownerPid(), "this JVM's lease, not the killed"
                    + " one's (" + dead + "): " + leases);
            try (var files = Files.list(Path.of("/run/panamax/containers", other.name()))) {
                assertEquals(List.of(c.addresses().getFirst().getHostAddress()), files.map(p -> p.getFileName()
                        .toString()).toList(), "only this container's /etc files");
            }
        }
    }

    @Test
    void badNetworksFailNamingWhatIsWrongAndLeaveNothing() throws Exception {
        String taken = "pmxnb" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
        BridgeNetwork notABridge = BridgeNetwork.defaults().withName(taken).withoutIpv6()
                .withSubnet(IpPrefix.parse("10.251." + (1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(250))
                        + ".0/24"));
        BridgeNetwork overlapping = host.bridge("pmxov", 30, 0).withoutIpv6();
        String routed = overlapping.subnet().host(1).getHostAddress() + "/" + overlapping.subnet().length();
        try {
            sh("ip link add " + taken + " type veth peer name " + taken + "p && ip addr add " + routed + " dev "
                    + taken + " && ip link set " + taken + " up");
            LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(on(notABridge, "true")
                    .build()).close());
            assertTrue(e.getMessage().contains("the link " + taken + " exists and is a veth, not a bridge"),
                    e.getMessage());
            e = assertThrows(LaunchException.class, () -> Launcher.launch(on(overlapping, "true").build()).close());
            assertTrue(e.getMessage().contains(overlapping.subnet().toString()) && e.getMessage().contains(taken),
                    "names the subnet and the route's device: " + e.getMessage());
        } finally {
            sh("ip link del " + taken + " 2>/dev/null; true");
        }
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0)) {
            int port = busy.getLocalPort();
            LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(on(network, "true")
                    .publish(PortMapping.tcp(port, 80)).build()).close());
            assertTrue(e.getMessage().contains(Integer.toString(port)) && e.getMessage().contains("EADDRINUSE"),
                    e.getMessage());
        }
        Path missing = Path.of("/run/netns/pmx-no-such-" + System.nanoTime());
        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(ContainerSpec.builder()
                .rootfs(root.path()).network(Network.join(missing)).command("true").build()).close());
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("ENOENT"), e.getMessage());
        try (var leases = Files.list(dev.panamax.net.Leases.ROOT.resolve(network.name()))) {
            assertEquals(List.of(), leases.filter(p -> !p.getFileName().toString().startsWith(".")).toList(),
                    "no lease left by the failed launches");
        }
        assertNoEtcFilesLeft();
    }

    private static List<dev.panamax.net.PublishedPort> published() {
        return new dev.panamax.net.Nftables().listPublished();
    }

    /** The host's links but this test's bridge (which a test may make). */
    private static List<String> links() throws Exception {
        return sh("ip -br link | awk '{print $1}' | sort").lines().filter(l -> !l.equals(network.name())).toList();
    }

    /** {@code n} TCP ports free now, from 20000 up: below Linux's default ephemeral range (32768-60999). */
    static List<Integer> freePortsBelowTheEphemeralRange(int n) {
        List<Integer> ports = new java.util.ArrayList<>();
        for (int port = 20000; port < 32768 && ports.size() < n; port++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(port));
                ports.add(port);
            } catch (java.io.IOException taken) {
                // in use: the next
            }
        }
        assertEquals(n, ports.size(), "free ports between 20000 and 32767");
        return ports;
    }

    static int freePort(boolean udp) {
        try {
            if (udp) {
                try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
                    return s.getLocalPort();
                }
            }
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                return s.getLocalPort();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), script + ": " + out);
        return out;
    }
}
