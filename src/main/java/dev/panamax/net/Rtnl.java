package dev.panamax.net;

/**
 * The kernel's netlink and rtnetlink numbers, written by hand under their C names (this package is
 * public and must not depend on the bindings); {@code RtnetlinkAbiTest} pins every field to the headers.
 */
final class Rtnl {
    // sizes of the fixed headers (struct nlmsghdr, ifinfomsg, ifaddrmsg, rtmsg) and alignment
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ALIGNTO = 4;
    static final int NLA_ALIGNTO = 4;
    static final int NLA_HDRLEN = 4;
    static final int SIZEOF_IFINFOMSG = 16;
    static final int SIZEOF_IFADDRMSG = 8;
    static final int SIZEOF_RTMSG = 12;

    // address families
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    // nlmsghdr flags and types
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;

    // attribute header flags
    static final int NLA_F_NESTED = 1 << 15;
    static final int NLA_F_NET_BYTEORDER = 1 << 14;
    static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

    // message types
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;

    // links
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_LINK = 5;
    static final int IFLA_MASTER = 10;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_PID = 19;
    static final int IFLA_NET_NS_FD = 28;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int VETH_INFO_PEER = 1;
    static final int IFF_UP = 0x1;
    static final int IFF_LOOPBACK = 0x8;
    static final int IFF_RUNNING = 0x40;

    // addresses
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_NODAD = 0x02;
    static final int IFA_F_PERMANENT = 0x80;

    // routes
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_TABLE = 15;
    static final int RTN_UNICAST = 1;
    static final int RTPROT_BOOT = 3;
    static final int RTPROT_STATIC = 4;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_HOST = 254;
    static final int RT_TABLE_UNSPEC = 0;
    static final int RT_TABLE_MAIN = 254;

    private Rtnl() {}

    /** {@return {@code length} rounded up to the 4-byte netlink alignment ({@code NLMSG_ALIGN}, {@code NLA_ALIGN})} */
    static int align(int length) {
        return (length + NLA_ALIGNTO - 1) & -NLA_ALIGNTO;
    }
}
