package dev.panamax.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The netlink message codec as pure bytes: what it writes is what the kernel's layout says, and it reads back. */
class NetlinkCodecTest {

    /** An attribute tree: a leaf with a value, or a nest of attributes. */
    sealed interface Node permits Leaf, Nest {
        int type();
    }

    record Leaf(int type, byte[] value) implements Node {}

    record Nest(int type, List<Node> children) implements Node {}

    @Provide
    Arbitrary<List<Node>> trees() {
        return nodes(3);
    }

    private static Arbitrary<List<Node>> nodes(int depth) {
        Arbitrary<Integer> types = Arbitraries.integers().between(1, 0x3fff);
        Arbitrary<Node> leaf = Combinators.combine(types, Arbitraries.bytes().array(byte[].class).ofMaxSize(23))
                .as(Leaf::new);
        Arbitrary<Node> node = depth == 0 ? leaf
                : Arbitraries.oneOf(leaf, Combinators.combine(types, nodes(depth - 1)).as(Nest::new));
        return node.list().ofMaxSize(4);
    }

    @Property(tries = 300)
    void attributesAreLaidOutAsTheKernelAlignsThem(@ForAll("trees") List<Node> tree,
                                                   @ForAll @IntRange(max = 0xffff) int type,
                                                   @ForAll @IntRange(max = 0xffff) int flags) {
        byte[] bytes = write(new MessageWriter(type, flags), tree).bytes();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] attributes = reference(tree);
        expected.writeBytes(header(Rtnl.NLMSG_HDRLEN + attributes.length, type, flags));
        expected.writeBytes(attributes);
        assertArrayEquals(expected.toByteArray(), bytes);
        assertEquals(0, bytes.length % Rtnl.NLMSG_ALIGNTO, "a message is a multiple of NLMSG_ALIGNTO");
    }

    @Property(tries = 300)
    void whatIsWrittenReadsBack(@ForAll("trees") List<Node> tree, @ForAll @IntRange(max = 0xffff) int type,
                                @ForAll @IntRange(max = 0xffff) int flags) {
        Message m = Message.parse(write(new MessageWriter(type, flags), tree).bytes());
        assertEquals(type, m.type());
        assertEquals(flags, m.flags());
        assertTree(tree, Attribute.parseAll(m.payload(), 0, m.payload().length));
    }

    @Property(tries = 200)
    void backToBackMessagesReadBackInOrder(@ForAll @Size(max = 5) List<@Size(max = 3) List<@IntRange(max = 200) Integer>> sizes) {
        ByteArrayOutputStream datagram = new ByteArrayOutputStream();
        for (int i = 0; i < sizes.size(); i++) {
            MessageWriter w = new MessageWriter(100 + i, 0);
            sizes.get(i).forEach(n -> w.attribute(1, new byte[n]));
            datagram.writeBytes(w.bytes());
        }
        List<Message> messages = Message.parseAll(datagram.toByteArray());
        assertEquals(sizes.size(), messages.size());
        for (int i = 0; i < sizes.size(); i++) {
            assertEquals(100 + i, messages.get(i).type());
            assertEquals(sizes.get(i), Attribute.parseAll(messages.get(i).payload(), 0, messages.get(i).payload().length)
                    .stream().map(a -> a.value().length).toList());
        }
    }

    @Property(tries = 300)
    void aTruncatedMessageIsRejected(@ForAll("trees") List<Node> tree, @ForAll @IntRange(max = 10_000) int cut) {
        byte[] bytes = write(new MessageWriter(16, 0), tree).bytes();
        byte[] prefix = java.util.Arrays.copyOf(bytes, cut % bytes.length);
        assertThrows(NetlinkFormatException.class, () -> Message.parse(prefix));
    }

    @Property(tries = 500)
    void garbageIsRejectedWithTheFormatErrorOnly(@ForAll @Size(max = 64) byte[] garbage) {
        try {
            for (Message m : Message.parseAll(garbage)) {
                readDeep(Attribute.parseAll(m.payload(), 0, m.payload().length), 4);
            }
        } catch (NetlinkFormatException expected) {
            assertTrue(expected.getMessage().contains("offset") || expected.getMessage().contains("attribute"),
                    expected.getMessage());
        }
    }

    @Property(tries = 500)
    void garbageAttributesAreRejectedWithTheFormatErrorOnly(@ForAll @Size(max = 64) byte[] garbage) {
        try {
            readDeep(Attribute.parseAll(garbage, 0, garbage.length), 4);
        } catch (NetlinkFormatException expected) {
            assertTrue(expected.getMessage().startsWith("attribute"), expected.getMessage());
        }
    }

    private static void readDeep(List<Attribute> attributes, int depth) {
        for (Attribute a : attributes) {
            a.string();
            if (depth > 0) {
                try {
                    readDeep(a.nested(), depth - 1);
                } catch (NetlinkFormatException notNested) {
                    // a leaf's value is rarely a valid nest; the error is the specific one
                }
            }
        }
    }

    @Test
    void errorsNameWhatIsWrongAndWhere() {
        byte[] shortLength = new MessageWriter(16, 0).attribute(3, new byte[4]).bytes();
        ByteBuffer.wrap(shortLength).order(ByteOrder.nativeOrder()).putShort(16, (short) 3);
        assertEquals("attribute type 3 at offset 0: nla_len 3 outside 4..8",
                assertThrows(NetlinkFormatException.class, () -> attributesOf(shortLength)).getMessage());

        byte[] longLength = new MessageWriter(16, 0).attribute(3, new byte[4]).bytes();
        ByteBuffer.wrap(longLength).order(ByteOrder.nativeOrder()).putShort(16, (short) 200);
        assertEquals("attribute type 3 at offset 0: nla_len 200 outside 4..8",
                assertThrows(NetlinkFormatException.class, () -> attributesOf(longLength)).getMessage());

        byte[] leftover = {8, 0, 1, 0, 0, 0, 0, 0, 1, 2};
        assertEquals("attribute at offset 8: 2 bytes left, shorter than the 4-byte attribute header",
                assertThrows(NetlinkFormatException.class, () -> Attribute.parseAll(leftover, 0, leftover.length))
                        .getMessage());

        byte[] message = new MessageWriter(16, 0).bytes();
        ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertEquals("message at offset 0: nlmsg_len 8 outside 16..16",
                assertThrows(NetlinkFormatException.class, () -> Message.parse(message)).getMessage());

        assertEquals("attribute type 4: 2 bytes, expected 4",
                assertThrows(NetlinkFormatException.class, () -> new Attribute(4, new byte[2]).u32()).getMessage());
        assertEquals("attribute type 1: 5 bytes, not an IPv4 (4) or IPv6 (16) address",
                assertThrows(NetlinkFormatException.class, () -> new Attribute(1, new byte[5]).address()).getMessage());

        Message cut = Message.parse(new MessageWriter(Rtnl.RTM_NEWLINK, 0).u32(1, 0).bytes());
        assertEquals("message type 16: payload of 8 bytes, shorter than its 16-byte ifinfomsg",
                assertThrows(NetlinkFormatException.class, () -> LinkInfo.from(cut)).getMessage());
    }

    @Test
    void aVethRequestNestsThePeerWithItsNamespaceInTheLinkInfo() {
        Message m = Message.parse(Rtnetlink.newVeth("pmxh0", "eth0", 7).bytes());
        assertEquals(Rtnl.RTM_NEWLINK, m.type());
        assertEquals(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, m.flags());
        List<Attribute> top = m.attributes(Rtnl.SIZEOF_IFINFOMSG, "ifinfomsg");
        assertEquals("pmxh0", Attribute.find(top, Rtnl.IFLA_IFNAME).orElseThrow().string());
        List<Attribute> info = Attribute.find(top, Rtnl.IFLA_LINKINFO).orElseThrow().nested();
        assertEquals("veth", Attribute.find(info, Rtnl.IFLA_INFO_KIND).orElseThrow().string());
        List<Attribute> data = Attribute.find(info, Rtnl.IFLA_INFO_DATA).orElseThrow().nested();
        byte[] peer = Attribute.find(data, Rtnl.VETH_INFO_PEER).orElseThrow().value();
        List<Attribute> peerAttributes = Attribute.parseAll(peer, Rtnl.SIZEOF_IFINFOMSG, peer.length);
        assertEquals("eth0", Attribute.find(peerAttributes, Rtnl.IFLA_IFNAME).orElseThrow().string());
        assertEquals(7, Attribute.find(peerAttributes, Rtnl.IFLA_NET_NS_FD).orElseThrow().u32());

        byte[] local = Attribute.find(Attribute.find(Attribute.find(Message.parse(Rtnetlink.newVeth("a", "b", -1).bytes())
                        .attributes(Rtnl.SIZEOF_IFINFOMSG, "ifinfomsg"), Rtnl.IFLA_LINKINFO).orElseThrow().nested(),
                Rtnl.IFLA_INFO_DATA).orElseThrow().nested(), Rtnl.VETH_INFO_PEER).orElseThrow().value();
        assertEquals(Optional.empty(), Attribute.find(Attribute.parseAll(local, Rtnl.SIZEOF_IFINFOMSG, local.length),
                Rtnl.IFLA_NET_NS_FD), "no namespace attribute for a peer in this namespace");
    }

    @Property(tries = 200)
    void aLinkReadsBackFromTheKernelsMessage(@ForAll @IntRange(min = 1) int index, @ForAll("names") String name,
                                             @ForAll("kinds") String kind, @ForAll int flags,
                                             @ForAll @IntRange(min = 68, max = 65536) int mtu, @ForAll @IntRange int master) {
        MessageWriter w = new MessageWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_MULTI).ifinfomsg(Rtnl.AF_UNSPEC, index, flags, 0)
                .string(Rtnl.IFLA_IFNAME, name).u32(Rtnl.IFLA_MTU, mtu);
        if (master != 0) {
            w.u32(Rtnl.IFLA_MASTER, master);
        }
        if (!kind.isEmpty()) {
            w.begin(Rtnl.IFLA_LINKINFO).string(Rtnl.IFLA_INFO_KIND, kind).begin(Rtnl.IFLA_INFO_DATA).end().end();
        }
        LinkInfo link = LinkInfo.from(Message.parse(w.bytes()));
        assertEquals(new LinkInfo(index, name, kind, flags, mtu, master), link);
        assertEquals((flags & Rtnl.IFF_UP) != 0, link.isUp());
    }

    @Property(tries = 200)
    void anAddressReadsBackFromTheKernelsMessage(@ForAll("addresses") InetAddress address, @ForAll @IntRange(max = 128) int prefix,
                                                 @ForAll int flags, @ForAll @IntRange(max = 255) int scope,
                                                 @ForAll @IntRange(min = 1) int index) {
        int family = address.getAddress().length == 4 ? Rtnl.AF_INET : Rtnl.AF_INET6;
        byte[] bytes = new MessageWriter(Rtnl.RTM_NEWADDR, 0).ifaddrmsg(family, prefix, flags & 0xff, scope, index)
                .attribute(Rtnl.IFA_ADDRESS, address.getAddress()).attribute(Rtnl.IFA_LOCAL, address.getAddress())
                .u32(Rtnl.IFA_FLAGS, flags).bytes();
        assertEquals(new AddressInfo(index, address, prefix, flags, scope), AddressInfo.from(Message.parse(bytes)));
    }

    @Property(tries = 200)
    void aRouteReadsBackFromTheKernelsMessage(@ForAll("addresses") InetAddress destination,
                                              @ForAll @IntRange(max = 32) int prefix, @ForAll boolean viaGateway,
                                              @ForAll @IntRange(min = 1) int oif, @ForAll @IntRange(min = 1) int table,
                                              @ForAll @IntRange(max = 255) int protocol) throws UnknownHostException {
        int family = destination.getAddress().length == 4 ? Rtnl.AF_INET : Rtnl.AF_INET6;
        InetAddress gateway = InetAddress.getByAddress(new byte[destination.getAddress().length]);
        MessageWriter w = new MessageWriter(Rtnl.RTM_NEWROUTE, 0).rtmsg(family, prefix, Math.min(table, 252), protocol,
                        Rtnl.RT_SCOPE_UNIVERSE, Rtnl.RTN_UNICAST)
                .u32(Rtnl.RTA_TABLE, table).attribute(Rtnl.RTA_DST, destination.getAddress()).u32(Rtnl.RTA_OIF, oif);
        if (viaGateway) {
            w.attribute(Rtnl.RTA_GATEWAY, gateway.getAddress());
        }
        RouteInfo route = RouteInfo.from(Message.parse(w.bytes()));
        assertEquals(new RouteInfo(destination, prefix, viaGateway ? Optional.of(gateway) : Optional.empty(), oif, table,
                protocol, Rtnl.RT_SCOPE_UNIVERSE, Rtnl.RTN_UNICAST), route);
        assertEquals(prefix == 0, route.isDefault());
    }

    @Test
    void aDefaultRouteHasNoDestinationAttribute() {
        RouteInfo v6 = RouteInfo.from(Message.parse(new MessageWriter(Rtnl.RTM_NEWROUTE, 0)
                .rtmsg(Rtnl.AF_INET6, 0, Rtnl.RT_TABLE_MAIN, Rtnl.RTPROT_BOOT, 0, Rtnl.RTN_UNICAST).bytes()));
        assertEquals("::", v6.destination().getHostAddress().replace("0:0:0:0:0:0:0:0", "::"));
        assertTrue(v6.isDefault());
        assertEquals(Rtnl.RT_TABLE_MAIN, v6.table());
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(15);
    }

    @Provide
    Arbitrary<String> kinds() {
        return Arbitraries.of("", "veth", "bridge", "macvlan");
    }

    @Provide
    Arbitrary<InetAddress> addresses() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(4),
                Arbitraries.bytes().array(byte[].class).ofSize(16)).map(b -> {
                    try {
                        return InetAddress.getByAddress(b);
                    } catch (UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private static List<Attribute> attributesOf(byte[] message) {
        Message m = Message.parse(message);
        return Attribute.parseAll(m.payload(), 0, m.payload().length);
    }

    private static MessageWriter write(MessageWriter w, List<Node> nodes) {
        for (Node n : nodes) {
            switch (n) {
                case Leaf l -> w.attribute(l.type(), l.value());
                case Nest nest -> write(w.begin(nest.type()), nest.children()).end();
            }
        }
        return w;
    }

    /** An independent encoder: header, value, zero padding to 4; a nest's length covers its padded children. */
    private static byte[] reference(List<Node> nodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node n : nodes) {
            byte[] value = switch (n) {
                case Leaf l -> l.value();
                case Nest nest -> reference(nest.children());
            };
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
            header.putShort((short) (4 + value.length)).putShort((short) n.type());
            out.writeBytes(header.array());
            out.writeBytes(value);
            out.writeBytes(new byte[(4 - value.length % 4) % 4]);
        }
        return out.toByteArray();
    }

    private static byte[] header(int length, int type, int flags) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putInt(length).putShort((short) type).putShort((short) flags).putInt(0).putInt(0).array();
    }

    private static void assertTree(List<Node> expected, List<Attribute> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).type(), actual.get(i).type());
            switch (expected.get(i)) {
                case Leaf l -> assertArrayEquals(l.value(), actual.get(i).value());
                case Nest n -> assertTree(n.children(), actual.get(i).nested());
            }
        }
    }
}
