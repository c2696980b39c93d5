package dev.panamax.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static dev.panamax.net.NetnsTopology.BRIDGE;
import static dev.panamax.net.NetnsTopology.CLIENT_IP;
import static dev.panamax.net.NetnsTopology.OUTSIDE_IP;
import static dev.panamax.net.NetnsTopology.ROUTER_OUTSIDE_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Panamax's nftables table at work in a router namespace between a "container" (client) namespace behind a
 * bridge and an "outside" namespace: masquerade, published TCP and UDP ports reached on the router's loopback
 * and outside address, conflicts and idempotent removal. Every test uses a table of its own, removed after it;
 * the host's ruleset is the same before and after the class.
 */
@Tag("kernel")
class NftablesTest {
    @TempDir
    static Path www;

    private static NetnsTopology net;
    private static String hostRuleset;

    private Nftables nft;

    @BeforeAll
    static void topology() throws IOException {
        hostRuleset = hostRuleset();
        Files.createDirectories(www.resolve("cgi-bin"));
        Path peer = www.resolve("cgi-bin/peer");
        Files.writeString(peer, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"$REMOTE_ADDR\"\n");
        Files.setPosixFilePermissions(peer, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(www.resolve("index.html"), "hello from the client namespace\n");
        Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x"));
        net = NetnsTopology.create();
        // busybox httpd daemonizes; NetnsTopology.close kills what is left in the namespaces
        net.in(net.outside, "busybox", "httpd", "-p", "8080", "-h", www.toString()).ok();
        net.in(net.client, "busybox", "httpd", "-p", "80", "-h", www.toString()).ok();
        new HostNetwork(net.path(net.router)).enableRouteLocalnet(BRIDGE);
    }

    @AfterAll
    static void removeTopology() {
        if (net != null) {
            net.close();
        }
        assertEquals(hostRuleset, hostRuleset(), "the host's ruleset changed");
    }

    /**
     * The host's ruleset but the default table {@code inet panamax}, which launch tests running at the same
     * time may hold for a moment (these tests use tables of their own, and only in their namespaces).
     */
    private static String hostRuleset() {
        return NetnsTopology.run("nft", "list", "ruleset").replaceAll("(?ms)^table inet panamax \\{.*?^}\n?", "");
    }

    @BeforeEach
    void table() {
        nft = new Nftables("pmxtest_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()),
                net.path(net.router));
    }

    @AfterEach
    void noTableLeft() {
        nft.removeTable();
        String tables = net.in(net.router, "nft", "list", "tables").ok().stdout();
        assertFalse(tables.contains(nft.table()), tables);
    }

    @Test
    void masqueradeMakesTheOutsideServerSeeTheRouterAddressUntilItIsRemoved() throws Exception {
        String url = "http://" + OUTSIDE_IP + ":8080/cgi-bin/peer";
        assertNotEquals(0, curl(net.client, url).code(), "without NAT the outside has no route back");
        nft.addMasquerade(InetAddress.getByName("10.231.1.0"), 24);
        NetnsTopology.Result seen = curl(net.client, url).ok();
        assertTrue(seen.stdout().contains(ROUTER_OUTSIDE_IP) && !seen.stdout().contains(CLIENT_IP), seen.stdout());
        nft.removeMasquerade(InetAddress.getByName("10.231.1.0"), 24);
        assertNotEquals(0, curl(net.client, url).code(), "the same request without the masquerade element");
    }

    @Test
    void aPublishedTcpPortAnswersOnTheRouterLoopbackAndItsOutsideAddress() throws Exception {
        InetAddress container = InetAddress.getByName(CLIENT_IP);
        nft.publish("tcp", null, 8081, container, 80);
        assertEquals("hello from the client namespace\n", curl(net.router, "http://127.0.0.1:8081/").ok().stdout());
        assertEquals("hello from the client namespace\n",
                curl(net.outside, "http://" + ROUTER_OUTSIDE_IP + ":8081/").ok().stdout());
        // the container sees the outside client itself, and the router's bridge address for a loopback client
        assertTrue(curl(net.outside, "http://" + ROUTER_OUTSIDE_IP + ":8081/cgi-bin/peer").ok().stdout()
                .contains(OUTSIDE_IP));
        assertTrue(curl(net.router, "http://127.0.0.1:8081/cgi-bin/peer").ok().stdout()
                .contains(NetnsTopology.BRIDGE_IP));
        assertEquals(List.of(new PublishedPort("tcp", null, 8081, container, 80)), nft.listPublished());
        // a container reaching a published port (here its own) through the host: masqueraded, so it answers
        nft.addMasquerade(InetAddress.getByName("10.231.1.0"), 24);
        assertTrue(curl(net.client, "http://" + NetnsTopology.BRIDGE_IP + ":8081/cgi-bin/peer").ok().stdout()
                .contains(NetnsTopology.BRIDGE_IP));
        assertEquals("hello from the client namespace\n",
                curl(net.client, "http://" + ROUTER_OUTSIDE_IP + ":8081/").ok().stdout());
        nft.unpublish("tcp", null, 8081, container, 80);
        assertNotEquals(0, curl(net.router, "http://127.0.0.1:8081/").code());
        assertEquals(List.of(), nft.listPublished());
    }

    @Test
    void aPublishedUdpPortEchoes() throws Exception {
        Process echo = new ProcessBuilder("ip", "netns", "exec", net.client, "socat", "UDP4-RECVFROM:9000,fork",
                "EXEC:cat").start();
        try {
            nft.publish("udp", null, 9001, InetAddress.getByName(CLIENT_IP), 9000);
            assertEquals("ping\n", udp(net.router, "127.0.0.1"));
            assertEquals("ping\n", udp(net.outside, ROUTER_OUTSIDE_IP));
            nft.unpublish("udp", null, 9001, InetAddress.getByName(CLIENT_IP), 9000);
            assertEquals("", udp(net.router, "127.0.0.1"));
        } finally {
            echo.destroyForcibly().waitFor();
        }
    }

    @Test
    void aPortPublishedOnOneHostAddressAnswersOnlyThere() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        nft.publish("tcp", loopback, 8082, InetAddress.getByName(CLIENT_IP), 80);
        assertEquals("hello from the client namespace\n", curl(net.router, "http://127.0.0.1:8082/").ok().stdout());
        assertNotEquals(0, curl(net.outside, "http://" + ROUTER_OUTSIDE_IP + ":8082/").code());
        assertEquals(List.of(new PublishedPort("tcp", loopback, 8082, InetAddress.getByName(CLIENT_IP), 80)),
                nft.listPublished());
    }

    @Test
    void publishingAPortTakenByAnotherTargetIsRefusedNamingThePortAndTheTarget() throws Exception {
        InetAddress first = InetAddress.getByName(CLIENT_IP);
        InetAddress second = InetAddress.getByName("10.231.1.3");
        nft.publish("tcp", null, 8083, first, 80);
        nft.publish("tcp", null, 8083, first, 80); // the same mapping again: no error
        NftablesException e = assertThrows(NftablesException.class, () -> nft.publish("tcp", null, 8083, second, 80));
        assertEquals("publish tcp port 8083 on every host address to 10.231.1.3:80: tcp port 8083 on every host "
                + "address is published to 10.231.1.2:80: nft exit code 1: Error: Could not process rule: File "
                + "exists, in: add element inet " + nft.table() + " ports4 { tcp . 8083 : 10.231.1.3 . 80 }",
                e.getMessage());
        assertEquals(1, e.exitCode());
        NftablesException wrong = assertThrows(NftablesException.class,
                () -> nft.unpublish("tcp", null, 8083, second, 80));
        assertTrue(wrong.getMessage().contains("is published to 10.231.1.2:80"), wrong.getMessage());
        // a different protocol or host address is another port
        nft.publish("udp", null, 8083, second, 80);
        nft.publish("tcp", InetAddress.getByName("127.0.0.1"), 8083, second, 80);
        assertEquals(3, nft.listPublished().size(), nft.listPublished().toString());
        assertTrue(nft.listPublished().contains(new PublishedPort("tcp", null, 8083, first, 80)));
        // several ports in one transaction: the conflict is named, and none of them is added
        NftablesException batch = assertThrows(NftablesException.class, () -> nft.publish(List.of(
                new PublishedPort("tcp", null, 8090, first, 80), new PublishedPort("tcp", null, 8083, second, 80))));
        assertTrue(batch.getMessage().startsWith("publish tcp port 8083 on every host address to 10.231.1.3:80: "
                + "tcp port 8083 on every host address is published to 10.231.1.2:80"), batch.getMessage());
        assertEquals(3, nft.listPublished().size(), nft.listPublished().toString());
    }

    @Test
    void removingWhatIsGoneIsNoError() throws Exception {
        InetAddress subnet = InetAddress.getByName("10.231.1.0");
        InetAddress container = InetAddress.getByName(CLIENT_IP);
        nft.removeMasquerade(subnet, 24); // no table yet
        nft.unpublish("tcp", null, 8084, container, 80);
        assertFalse(nft.removeTable());
        assertEquals(List.of(), nft.listPublished());
        assertFalse(net.in(net.router, "nft", "list", "tables").ok().stdout().contains(nft.table()),
                "removing created nothing");
        nft.addMasquerade(subnet, 24);
        nft.addMasquerade(subnet, 24);
        nft.removeMasquerade(subnet, 24);
        nft.removeMasquerade(subnet, 24);
        nft.unpublish("tcp", null, 8084, container, 80); // table there, element not
        assertTrue(nft.removeTable());
        assertFalse(nft.removeTable());
    }

    @Test
    void concurrentSetupsLeaveEachRuleOnce() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    nft.ensureTable();
                    nft.addMasquerade(InetAddress.getByName("10.240." + n + ".0"), 24);
                    nft.publish("tcp", null, 9100 + n, InetAddress.getByName("10.240." + n + ".2"), 80);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
        String table = net.in(net.router, "nft", "list", "table", "inet", nft.table()).ok().stdout();
        assertEquals(2, count(table, "jump published"), table);
        assertEquals(5, count(table, "masquerade"), table);
        assertEquals(4, count(table, "ct state invalid drop"), table);
        assertEquals(4, count(table, "dnat ip"), table); // the four maps' rules
        assertEquals(4, nft.listPublished().size());
    }

    @Test
    void anOverlappingSubnetFailsWithNftsErrorTheStatementAndTheExitCode() throws Exception {
        nft.addMasquerade(InetAddress.getByName("10.231.1.0"), 24);
        NftablesException e = assertThrows(NftablesException.class,
                () -> nft.addMasquerade(InetAddress.getByName("10.231.7.9"), 16));
        assertEquals("add element inet " + nft.table() + " subnets4 { 10.231.0.0/16 }", e.statement());
        assertEquals("Error: interval overlaps with an existing one", e.nftError());
        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().startsWith("masquerade 10.231.0.0/16: nft exit code 1: "), e.getMessage());
    }

    @Test
    void ipv6SubnetsAndPortsAreKeptApartFromIpv4() throws Exception {
        nft.addMasquerade(InetAddress.getByName("fd00:89::"), 64);
        InetAddress container = InetAddress.getByName("fd00:89::2");
        InetAddress host = InetAddress.getByName("fd00:1::1");
        nft.publish("tcp", null, 8085, container, 80);
        nft.publish("udp", host, 8085, container, 53);
        nft.publish("tcp", null, 8085, InetAddress.getByName(CLIENT_IP), 80); // an IPv4 twin: another map
        assertEquals(java.util.Set.of(new PublishedPort("tcp", null, 8085, container, 80),
                        new PublishedPort("udp", host, 8085, container, 53),
                        new PublishedPort("tcp", null, 8085, InetAddress.getByName(CLIENT_IP), 80)),
                java.util.Set.copyOf(nft.listPublished()));
        String set = net.in(net.router, "nft", "list", "set", "inet", nft.table(), "subnets6").ok().stdout();
        assertTrue(set.contains("fd00:89::/64"), set);
    }

    @Test
    void aNetworkNamespaceThatIsGoneIsAnErrorNamingItNotAnEmptyTable() {
        Nftables nowhere = new Nftables(nft.table(), Path.of("/run/netns/pmxnft-none"));
        NftablesException e = assertThrows(NftablesException.class, nowhere::removeTable);
        assertTrue(e.getMessage().contains("/run/netns/pmxnft-none: No such file or directory"), e.getMessage());
        assertThrows(NftablesException.class, nowhere::listPublished);
        assertThrows(NftablesException.class, () -> nowhere.removeMasquerade(InetAddress.getLoopbackAddress(), 8));
    }

    @Test
    void ipv6IsMasqueradedAndPublishedToo() throws Exception {
        String url = "http://[" + NetnsTopology.OUTSIDE_IP6 + "]:8080/cgi-bin/peer";
        assertNotEquals(0, curl(net.client, url).code(), "without NAT the outside has no route back");
        nft.addMasquerade(InetAddress.getByName("fd00:231:1::"), 64);
        NetnsTopology.Result seen = curl(net.client, url).ok();
        assertTrue(seen.stdout().contains(NetnsTopology.ROUTER_OUTSIDE_IP6), seen.stdout());
        InetAddress container = InetAddress.getByName(NetnsTopology.CLIENT_IP6);
        nft.publish("tcp", null, 8086, container, 80);
        assertEquals("hello from the client namespace\n",
                curl(net.outside, "http://[" + NetnsTopology.ROUTER_OUTSIDE_IP6 + "]:8086/").ok().stdout());
        nft.unpublish("tcp", null, 8086, container, 80);
        assertNotEquals(0, curl(net.outside, "http://[" + NetnsTopology.ROUTER_OUTSIDE_IP6 + "]:8086/").code());
        nft.removeMasquerade(InetAddress.getByName("fd00:231:1::"), 64);
        assertNotEquals(0, curl(net.client, url).code(), "the same request without the masquerade element");
    }

    private static int count(String text, String word) {
        return text.split(java.util.regex.Pattern.quote(word), -1).length - 1;
    }

    private static NetnsTopology.Result curl(String ns, String url) {
        return net.in(ns, "curl", "-sS", "--connect-timeout", "1", "-m", "3", url);
    }

    /** Sends {@code ping} over UDP and returns the answer (empty if none within a second). */
    private static String udp(String ns, String address) {
        return net.inWithInput(ns, "ping\n", "socat", "-T1", "-", "UDP4:" + address + ":9001").stdout();
    }
}
