package dev.panamax.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * A route ({@code RTM_NEWROUTE} reply), from any routing table.
 *
 * @param destination  the destination network ({@code 0.0.0.0} or {@code ::} for a default route)
 * @param prefixLength the destination's prefix length (0 for a default route)
 * @param gateway      the next hop, empty for a directly connected route
 * @param outputIndex  the output interface index ({@code RTA_OIF}), 0 if none
 * @param table        the routing table (254 main, 255 local)
 * @param protocol     who installed it ({@code RTPROT_*}: 2 kernel, 3 boot, 4 static)
 * @param scope        the scope ({@code RT_SCOPE_*}: 0 universe, 253 link, 254 host)
 * @param type         the route type ({@code RTN_*}: 1 unicast, 2 local, 3 broadcast)
 */
public record RouteInfo(InetAddress destination, int prefixLength, Optional<InetAddress> gateway, int outputIndex,
                        int table, int protocol, int scope, int type) {

    /** {@return whether this is a default route (prefix length 0)} */
    public boolean isDefault() {
        return prefixLength == 0;
    }

    /** Reads an {@code RTM_NEWROUTE} message: {@code rtmsg}, then attributes. */
    static RouteInfo from(Message message) {
        List<Attribute> attributes = message.attributes(Rtnl.SIZEOF_RTMSG, "rtmsg");
        var header = message.buffer();
        int family = Byte.toUnsignedInt(header.get(0));
        InetAddress destination = Attribute.find(attributes, Rtnl.RTA_DST).map(Attribute::address)
                .orElseGet(() -> unspecified(family));
        int table = Attribute.find(attributes, Rtnl.RTA_TABLE).map(Attribute::u32)
                .orElse(Byte.toUnsignedInt(header.get(4)));
        return new RouteInfo(destination, Byte.toUnsignedInt(header.get(1)),
                Attribute.find(attributes, Rtnl.RTA_GATEWAY).map(Attribute::address),
                Attribute.find(attributes, Rtnl.RTA_OIF).map(Attribute::u32).orElse(0),
                table, Byte.toUnsignedInt(header.get(5)), Byte.toUnsignedInt(header.get(6)),
                Byte.toUnsignedInt(header.get(7)));
    }

    private static InetAddress unspecified(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == Rtnl.AF_INET6 ? 16 : 4]);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address", e);
        }
    }
}
