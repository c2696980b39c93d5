package dev.panamax.net;

import java.net.InetAddress;
import java.util.List;

/**
 * An address assigned to an interface ({@code RTM_NEWADDR} reply).
 *
 * @param index        the interface index
 * @param address      the local address ({@code IFA_LOCAL}, else {@code IFA_ADDRESS})
 * @param prefixLength the prefix length
 * @param flags        the {@code IFA_F_*} flags ({@code IFA_FLAGS} when present, which holds all 32 bits)
 * @param scope        the scope ({@code RT_SCOPE_*}: 0 universe, 253 link, 254 host)
 */
public record AddressInfo(int index, InetAddress address, int prefixLength, int flags, int scope) {

    /** Reads an {@code RTM_NEWADDR} message: {@code ifaddrmsg}, then attributes. */
    static AddressInfo from(Message message) {
        List<Attribute> attributes = message.attributes(Rtnl.SIZEOF_IFADDRMSG, "ifaddrmsg");
        var header = message.buffer();
        InetAddress address = Attribute.find(attributes, Rtnl.IFA_LOCAL)
                .or(() -> Attribute.find(attributes, Rtnl.IFA_ADDRESS))
                .map(Attribute::address)
                .orElseThrow(() -> new NetlinkFormatException("RTM_NEWADDR without IFA_LOCAL or IFA_ADDRESS"));
        int flags = Attribute.find(attributes, Rtnl.IFA_FLAGS).map(Attribute::u32)
                .orElse(Byte.toUnsignedInt(header.get(2)));
        return new AddressInfo(header.getInt(4), address, Byte.toUnsignedInt(header.get(1)), flags,
                Byte.toUnsignedInt(header.get(3)));
    }
}
