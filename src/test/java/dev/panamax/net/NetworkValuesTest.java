package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.panamax.net.IpPrefixTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network values of a spec: their defaults, their equality, and each bad value named by its field. */
class NetworkValuesTest {

    static void refused(Executable make, String field, String message) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, make);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void theDefaultBridgeIsPanamax0WithItsGateways() {
        BridgeNetwork net = BridgeNetwork.defaults();
        assertEquals("panamax0", net.name());
        assertEquals(IpPrefix.parse("10.89.0.0/24"), net.subnet());
        assertEquals(Optional.of(IpPrefix.parse("fd89:70:6d78::/64")), net.subnet6());
        assertEquals(1500, net.mtu());
        assertEquals(ip("10.89.0.1"), net.gateway());
        assertEquals(Optional.of(ip("fd89:70:6d78::1")), net.gateway6());
        BridgeNetwork lab = net.withName("pmxlab0").withSubnet(IpPrefix.parse("10.90.0.0/29")).withoutIpv6()
                .withMtu(9000);
        assertEquals(new BridgeNetwork("pmxlab0", IpPrefix.parse("10.90.0.0/29"), Optional.empty(), 9000), lab);
        assertEquals(Optional.empty(), lab.gateway6());
    }

    @Test
    void aBadBridgeIsNamedByItsField() {
        BridgeNetwork net = BridgeNetwork.defaults();
        refused(() -> net.withName("a-name-of-16-byt"), "bridge.name", "1 to 15 bytes, got 16");
        refused(() -> net.withName(""), "bridge.name", "got 0");
        refused(() -> net.withName("eth 0"), "bridge.name", "only letters");
        refused(() -> net.withName("a/b"), "bridge.name", "only letters");
        refused(() -> net.withName(".."), "bridge.name", "only letters");
        refused(() -> net.withSubnet(IpPrefix.parse("10.89.0.0/31")), "bridge.subnet", "at most /30");
        refused(() -> net.withSubnet(IpPrefix.parse("fd00::/64")), "bridge.subnet", "must be an IPv4 subnet");
        refused(() -> net.withSubnet6(IpPrefix.parse("10.0.0.0/8")), "bridge.subnet6", "must be an IPv6 subnet");
        refused(() -> net.withSubnet6(IpPrefix.parse("fd89::/121")), "bridge.subnet6", "at most /120");
        net.withSubnet6(IpPrefix.parse("fd89::/120"));
        refused(() -> net.withSubnet(IpPrefix.parse("127.1.0.0/24")), "bridge.subnet", "overlaps 127.0.0.0/8");
        refused(() -> net.withSubnet(IpPrefix.parse("0.0.0.0/1")), "bridge.subnet", "overlaps 0.0.0.0/8");
        refused(() -> net.withSubnet(IpPrefix.parse("169.254.9.0/24")), "bridge.subnet", "link-local");
        refused(() -> net.withSubnet(IpPrefix.parse("239.1.0.0/16")), "bridge.subnet", "overlaps 224.0.0.0/3");
        refused(() -> net.withSubnet6(IpPrefix.parse("fe80::/64")), "bridge.subnet6", "overlaps fe80::/10");
        refused(() -> net.withSubnet6(IpPrefix.parse("::/64")), "bridge.subnet6", "overlaps ::/8");
        refused(() -> net.withMtu(1000), "bridge.mtu", "1280..65535 (IPv6 needs 1280)");
        refused(() -> net.withMtu(70000), "bridge.mtu", "got 70000");
        assertEquals(1000, net.withoutIpv6().withMtu(1000).mtu());
    }

    @Test
    void publishedPortsPrintAsDockerDoes() {
        assertEquals("8080->80/tcp", PortMapping.tcp(8080, 80).toString());
        assertEquals("127.0.0.1:5353->53/udp", PortMapping.udp(5353, 53).on(ip("127.0.0.1")).toString());
        assertEquals("[::1]:1->65535/tcp", PortMapping.tcp(1, 65535).on(ip("::1")).toString());
        assertEquals(PortMapping.tcp(8080, 80), new PortMapping(PortMapping.Protocol.TCP, Optional.empty(), 8080, 80));
        assertEquals("udp", PortMapping.Protocol.UDP.keyword());
        refused(() -> PortMapping.tcp(0, 80), "publish.hostPort", "1..65535, got 0");
        refused(() -> PortMapping.udp(80, 65536), "publish.containerPort", "got 65536");
        refused(() -> PortMapping.tcp(80, 80).on(ip("fe80::1%1")), "publish.hostAddress", "scoped");
    }

    @Test
    void publishedPortsParseBackFromTheirText() {
        for (PortMapping p : List.of(PortMapping.tcp(8080, 80), PortMapping.udp(53, 5353).on(ip("127.0.0.1")),
                PortMapping.tcp(443, 8443).on(ip("2001:db8::1")), PortMapping.tcp(1, 1).on(ip("0.0.0.0")))) {
            assertEquals(p, PortMapping.parse(p.toString()));
        }
        refused(() -> PortMapping.parse("8080:80"), "publish", "expected [ADDRESS:]HOSTPORT->CONTAINERPORT/tcp|udp");
        refused(() -> PortMapping.parse("8080->80/sctp"), "publish", "got \"8080->80/sctp\"");
        refused(() -> PortMapping.parse("99999->80/tcp"), "publish.hostPort", "got 99999");
        refused(() -> PortMapping.parse("1.2.3:80->80/tcp"), "publish.hostAddress", "not an IPv4");
    }

    @Test
    void networksCompareByValue() {
        assertEquals(Network.none(), Network.none());
        assertEquals(Network.host(), Network.host());
        assertNotEquals(Network.none(), Network.host());
        assertEquals(Network.bridge(), Network.bridge(BridgeNetwork.defaults()));
        assertNotEquals(Network.bridge(), Network.bridge(BridgeNetwork.defaults().withMtu(1400)));
        assertEquals(Network.join(Path.of("/run/netns/a")), Network.join(Path.of("/run/netns/a")));
        assertEquals(Network.userMode("--mtu", "1400"), Network.userMode("--mtu", "1400"));
        assertNotEquals(Network.userMode(), Network.userMode("--mtu", "1400"));
        refused(() -> Network.join(Path.of("run/netns/a")), "network.join", "absolute path");
        refused(() -> Network.userMode("ok", ""), "network.userMode[1]", "non-empty");
        String kind = switch (Network.bridge()) {
            case Network.None n -> "none";
            case Network.Host h -> "host";
            case Network.Bridge b -> b.network().name();
            case Network.Join j -> "join";
            case Network.UserMode u -> "user";
        };
        assertEquals("panamax0", kind);
    }

    @Test
    void nameResolutionRefusesWhatWouldBreakItsFiles() {
        NameResolution dns = NameResolution.fromHost();
        refused(() -> dns.withHost("db\n10.0.0.1 bank", ip("10.89.0.9")), "hosts.name", "\"db\\x0a10.0.0.1 bank\"");
        refused(() -> dns.withHost("db#x", ip("10.89.0.9")), "hosts.name", "no blank, newline or '#'");
        refused(() -> dns.withHost("-db", ip("10.89.0.9")), "hosts.name", "not starting with '-'");
        refused(() -> dns.withHost("db", ip("fe80::1%1")), "hosts.address", "scoped");
        refused(() -> dns.withSearch("example.com", "a b"), "dns.search[1]", "a host name");
        refused(() -> dns.withOptions("ndots:2", "x\ny"), "dns.options[1]", "one word");
        refused(() -> dns.withServers(ip("192.0.2.1"), ip("fe80::1%1")), "dns.servers[1]", "scoped");
        refused(() -> dns.withFallbackServers(ip("fe80::1%1")), "dns.fallbackServers[0]", "scoped");
        NameResolution set = dns.withServers(ip("192.0.2.53")).withHost("db", ip("10.89.0.9"))
                .withHost("cache", InetAddress.ofLiteral("10.89.0.10"));
        assertEquals(2, set.hosts().size());
        assertEquals(set, NameResolution.fromHost().withHost("db", ip("10.89.0.9")).withServers(ip("192.0.2.53"))
                .withHost("cache", ip("10.89.0.10")));
    }
}
