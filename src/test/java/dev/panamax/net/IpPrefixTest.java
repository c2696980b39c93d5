package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subnets as users write them: parsed, printed back, asked for their hosts, compared. */
class IpPrefixTest {

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    private static void refused(String text, String message) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> IpPrefix.parse(text));
        assertEquals("prefix", e.field());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aPrefixPrintsAsItIsWrittenAndParsesBack() {
        for (String text : new String[] {"10.89.0.0/24", "0.0.0.0/0", "192.0.2.7/32", "fd89:70:6d78::/64", "::/0",
                "2001:db8:0:1::/96", "fe80::/10", "2001:db8::1:0:0:1/128"}) {
            IpPrefix prefix = IpPrefix.parse(text);
            assertEquals(text, prefix.toString());
            assertEquals(prefix, IpPrefix.parse(prefix.toString()));
        }
        assertEquals("fd89:0:0:1::/64", IpPrefix.parse("FD89:0000:0:1:0:0:0:0/64").toString(), "RFC 5952 form");
        assertEquals("2001:db8::1:0:0:1", IpPrefix.literal(ip("2001:db8:0:0:1:0:0:1")), "the first longest run");
        assertEquals("2001:db8:0:1:1:1:1:1", IpPrefix.literal(ip("2001:db8:0:1:1:1:1:1")), "one zero group stays");
    }

    @Test
    void hostBitsAreRefusedNamingTheNetwork() {
        refused("10.89.0.1/24", "10.89.0.1/24 has host bits set; the network is 10.89.0.0/24");
        refused("fd89::1/64", "the network is fd89::/64");
    }

    @Test
    void malformedPrefixesAreRefusedWithoutALookup() {
        refused("10.89.0.0", "expected ADDRESS/LENGTH");
        refused("10.89.0.0/33", "must be in 0..32");
        refused("fd89::/129", "must be in 0..128");
        refused("10.89.0.0/x", "must be a number");
        refused("10.89.0/24", "not an IPv4 or IPv6 address literal");
        refused("010.89.0.0/24", "not an IPv4 or IPv6 address literal");
        refused("10.89.0.256/24", "not an IPv4 or IPv6 address literal");
        refused("localhost/8", "not an IPv4 or IPv6 address literal");
        refused("fe80::%lo/64", "not an IPv4 or IPv6 address literal");
        refused("a\nb/8", "\"a\\x0ab\"");
    }

    @Test
    void hostsCountFromTheNetworkAddress() {
        IpPrefix v4 = IpPrefix.parse("10.89.0.0/24");
        assertEquals(256, v4.size());
        assertEquals(ip("10.89.0.0"), v4.host(0));
        assertEquals(ip("10.89.0.1"), v4.host(1));
        assertEquals(ip("10.89.0.255"), v4.host(255));
        assertEquals(ip("10.89.1.0"), IpPrefix.parse("10.89.0.0/16").host(256), "a carry into the next byte");
        assertThrows(IllegalArgumentException.class, () -> v4.host(256));
        assertThrows(IllegalArgumentException.class, () -> v4.host(-1));
        assertEquals(200, v4.indexOf(ip("10.89.0.200")));
        IpPrefix v6 = IpPrefix.parse("fd89:70:6d78::/64");
        assertEquals(Long.MAX_VALUE, v6.size());
        assertEquals(ip("fd89:70:6d78::2"), v6.host(2));
        assertEquals(ip("fd89:70:6d78::1:0"), v6.host(65536));
        assertEquals(65536, v6.indexOf(ip("fd89:70:6d78::1:0")));
        assertEquals(4, IpPrefix.parse("fd89::/126").size());
        assertEquals(1, IpPrefix.parse("192.0.2.7/32").size());
    }

    @Test
    void containsAndOverlapsFollowThePrefix() {
        IpPrefix net = IpPrefix.parse("10.89.0.0/24");
        assertTrue(net.contains(ip("10.89.0.77")));
        assertFalse(net.contains(ip("10.89.1.0")));
        assertFalse(net.contains(ip("::a59:1")), "the other family never (::10.89.0.1)");
        assertFalse(IpPrefix.parse("::/0").contains(ip("10.89.0.1")));
        assertTrue(IpPrefix.parse("0.0.0.0/0").contains(ip("10.89.0.1")));
        assertTrue(net.overlaps(IpPrefix.parse("10.0.0.0/8")));
        assertTrue(IpPrefix.parse("10.0.0.0/8").overlaps(net));
        assertTrue(net.overlaps(IpPrefix.parse("10.89.0.128/25")));
        assertFalse(net.overlaps(IpPrefix.parse("10.89.1.0/24")));
        assertFalse(net.overlaps(IpPrefix.parse("fd89::/16")));
        assertThrows(IllegalArgumentException.class, () -> net.indexOf(ip("10.90.0.1")));
    }
}
