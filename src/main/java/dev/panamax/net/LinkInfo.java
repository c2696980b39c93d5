package dev.panamax.net;

import java.util.List;

/**
 * A network interface as the kernel reports it ({@code RTM_NEWLINK} reply).
 *
 * @param index  the interface index
 * @param name   the interface name
 * @param kind   the link type ({@code IFLA_INFO_KIND}), e.g. {@code "veth"}, {@code "bridge"}; empty for
 *               links without one (loopback, physical devices)
 * @param flags  the {@code IFF_*} flags
 * @param mtu    the MTU
 * @param master the index of the bridge (or other master) the link is attached to, 0 if none
 */
public record LinkInfo(int index, String name, String kind, int flags, int mtu, int master) {

    /** {@return whether the link is administratively up ({@code IFF_UP})} */
    public boolean isUp() {
        return (flags & Rtnl.IFF_UP) != 0;
    }

    /** Reads an {@code RTM_NEWLINK} message: {@code ifinfomsg}, then attributes. */
    static LinkInfo from(Message message) {
        List<Attribute> attributes = message.attributes(Rtnl.SIZEOF_IFINFOMSG, "ifinfomsg");
        String kind = Attribute.find(attributes, Rtnl.IFLA_LINKINFO)
                .flatMap(info -> Attribute.find(info.nested(), Rtnl.IFLA_INFO_KIND))
                .map(Attribute::string).orElse("");
        return new LinkInfo(message.buffer().getInt(4),
                Attribute.find(attributes, Rtnl.IFLA_IFNAME).map(Attribute::string).orElse(""),
                kind,
                message.buffer().getInt(8),
                Attribute.find(attributes, Rtnl.IFLA_MTU).map(Attribute::u32).orElse(0),
                Attribute.find(attributes, Rtnl.IFLA_MASTER).map(Attribute::u32).orElse(0));
    }
}
