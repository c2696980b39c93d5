package dev.panamax.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Without the kernel: the values Panamax writes into nft statements, what it reads back from nft's listing
 * and errors, and from the kernel's route tables (samples taken from this kind of host).
 */
class NftablesInputTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void badValuesAreRefusedNamingTheField() throws Exception {
        InetAddress container = ip("10.89.0.2");
        assertEquals("protocol: must be tcp or udp, not sctp", assertThrows(IllegalArgumentException.class,
                () -> new PublishedPort("sctp", null, 80, container, 80)).getMessage());
        assertEquals("hostPort: must be 1 to 65535, not 0", assertThrows(IllegalArgumentException.class,
                () -> new PublishedPort("tcp", null, 0, container, 80)).getMessage());
        assertEquals("containerPort: must be 1 to 65535, not 65536", assertThrows(IllegalArgumentException.class,
                () -> new PublishedPort("tcp", null, 80, container, 65536)).getMessage());
        assertEquals("hostAddress: [::1] is not of the family of containerAddress 10.89.0.2",
                assertThrows(IllegalArgumentException.class,
                        () -> new PublishedPort("udp", ip("::1"), 53, container, 53)).getMessage());
        assertEquals("containerAddress: must be a unicast address, not 0.0.0.0", assertThrows(
                IllegalArgumentException.class, () -> new PublishedPort("tcp", null, 80, ip("0.0.0.0"), 80))
                .getMessage());
        assertEquals("prefix: must be 1 to 32 for 10.89.0.0, not 33", assertThrows(IllegalArgumentException.class,
                () -> Nftables.subnetElement(ip("10.89.0.0"), 33)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Nftables.subnetElement(ip("fe80::1%1"), 64));
        assertEquals("table: must be a letter then up to 31 letters, digits or _, not \"inet panamax\"",
                assertThrows(IllegalArgumentException.class, () -> new Nftables("inet panamax", null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HostNetwork().enableRouteLocalnet("a/b"));
    }

    @Test
    void aWildcardHostAddressMeansEveryAddress() throws Exception {
        assertNull(new PublishedPort("tcp", ip("0.0.0.0"), 80, ip("10.89.0.2"), 80).hostAddress());
        assertNull(new PublishedPort("tcp", ip("::"), 80, ip("fd00::2"), 80).hostAddress());
    }

    @Test
    void subnetsAreWrittenAsTheirNetworkInShortForm() throws Exception {
        assertEquals("10.89.0.0/16", Nftables.subnetElement(ip("10.89.7.9"), 16));
        assertEquals("10.89.7.9/32", Nftables.subnetElement(ip("10.89.7.9"), 32));
        assertEquals("fd00:89::/64", Nftables.subnetElement(ip("fd00:89::5"), 64));
        assertEquals("::1", Nftables.text(ip("::1")));
        assertEquals("::", Nftables.text(ip("::")));
        assertEquals("fd00:0:1::2", Nftables.text(ip("fd00:0:1:0:0:0:0:2")));
        assertEquals("fd00:0:0:1::2", Nftables.text(ip("fd00:0:0:1:0:0:0:2"))); // the longest run
        assertEquals("fd00::1:0:0:3:4", Nftables.text(ip("fd00:0:0:1:0:0:3:4"))); // the first of equal runs
        assertEquals("1:2:3:4:5:6:7:8", Nftables.text(ip("1:2:3:4:5:6:7:8")));
    }

    @Test
    void publishedPortsAreReadBackFromNftsListing() throws Exception {
        String listing = """
                table inet panamax {
                	set subnets4 {
                		type ipv4_addr
                		flags interval
                		elements = { 10.89.0.0/24 }
                	}

                	map ports4 {
                		type inet_proto . inet_service : ipv4_addr . inet_service
                		elements = { tcp . 8081 : 10.231.1.2 . 80,
                			     udp . 9001 : 10.231.1.2 . 9000 }
                	}

                	map hostports4 {
                		type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
                		elements = { 127.0.0.1 . tcp . 8082 : 10.231.1.2 . 80 }
                	}

                	map ports6 {
                		type inet_proto . inet_service : ipv6_addr . inet_service
                	}

                	map hostports6 {
                		type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service
                		elements = { ::1 . udp . 53 : fd00:89::2 . 5353 }
                	}
                }
                """;
        assertEquals(List.of(new PublishedPort("tcp", null, 8081, ip("10.231.1.2"), 80),
                new PublishedPort("udp", null, 9001, ip("10.231.1.2"), 9000),
                new PublishedPort("tcp", ip("127.0.0.1"), 8082, ip("10.231.1.2"), 80),
                new PublishedPort("udp", ip("::1"), 53, ip("fd00:89::2"), 5353)), Nftables.parsePublished(listing));
    }

    @Test
    void anNftErrorNamesTheStatementOnTheLineItPointsAt() {
        List<String> script = List.of("add table inet t", "add element inet t ports4 { tcp . 80 : 10.0.0.3 . 80 }");
        NftablesException e = Nftables.failure("publish", script, """
                /dev/stdin:2:32-41: Error: Could not process rule: File exists
                add element inet t ports4 { tcp . 80 : 10.0.0.3 . 80 }
                                               ^^^^^^^^^^
                """, 1);
        assertEquals(script.get(1), e.statement());
        assertEquals("publish: nft exit code 1: Error: Could not process rule: File exists, in: " + script.get(1),
                e.getMessage());
        NftablesException unlocated = Nftables.failure("list", script,
                "nsenter: cannot open /run/netns/x: No such file or directory\n", 1);
        assertEquals("", unlocated.statement());
        assertEquals("list: nft exit code 1: nsenter: cannot open /run/netns/x: No such file or directory",
                unlocated.getMessage());
    }

    @Test
    void routesAreReadFromTheKernelsTables() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "the IPv4 sample is in a little-endian host's byte order");
        String ipv4 = """
                Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
                eth0	00000000	0102A8C0	0003	0	0	0	00000000	0	0	0
                pmxb	0000E80A	00000000	0001	0	0	0	0000FFFF	0	0	0
                """;
        assertEquals(List.of(new HostNetwork.Route(ip("0.0.0.0"), 0, "eth0"),
                new HostNetwork.Route(ip("10.232.0.0"), 16, "pmxb")), HostNetwork.parseIpv4Routes(ipv4));
        String ipv6 = "fd123456000000000000000000000000 40 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 00000100 00000001 00000000 00000001     pmxb\n"
                + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
        assertEquals(List.of(new HostNetwork.Route(ip("fd12:3456::"), 64, "pmxb"),
                new HostNetwork.Route(ip("::"), 0, "lo")), HostNetwork.parseIpv6Routes(ipv6));
    }
}
