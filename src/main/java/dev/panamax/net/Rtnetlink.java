package dev.panamax.net;

import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.NetlinkException;
import dev.panamax.sys.NetlinkSocket;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * An rtnetlink client: creates, configures and lists links, addresses and routes in one network
 * namespace, the one its socket was opened in. Every refusal is a {@link NetlinkException} whose
 * message names the request, the link or address, the errno and the kernel's own explanation:
 *
 * <pre>{@code
 * try (Rtnetlink host = Rtnetlink.open()) {
 *     host.createBridge("pmxbr0");
 *     host.createVeth("pmxh0", "eth0", containerNetnsFd);   // eth0 is created inside the container's netns
 *     host.setMaster("pmxh0", "pmxbr0");
 *     host.addAddress("pmxbr0", InetAddress.getByName("10.88.0.1"), 24);
 *     host.setUp("pmxbr0");
 *     host.setUp("pmxh0");
 * }
 * try (Rtnetlink inside = Rtnetlink.openIn(containerNetnsFd)) {
 *     inside.loopbackUp();
 *     inside.addAddress("eth0", InetAddress.getByName("10.88.0.2"), 24);
 *     inside.setUp("eth0");
 *     inside.addDefaultRoute(InetAddress.getByName("10.88.0.1"));
 * }
 * // a duplicate: RTM_NEWLINK(bridge "pmxbr0"): EEXIST (File exists); the kernel says: ...
 * }</pre>
 *
 * <p>Links are named by their interface names, validated as the kernel does (1 to 15 bytes, no
 * {@code /}, {@code :} or white space, not {@code .} or {@code ..}). The client is thread-safe:
 * requests are serialised on its socket. It needs {@code CAP_NET_ADMIN} in the namespace for changes;
 * listing needs nothing.
 */
public final class Rtnetlink implements AutoCloseable {
    private static final int IFNAMSIZ = 16;
    private static final int ENODEV = Errno.number("ENODEV");
    private static final int CREATE = Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL;

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens a client for the calling thread's network namespace (normally the JVM's).
     *
     * @return the client
     * @throws ErrnoException if the netlink socket cannot be opened
     */
    public static Rtnetlink open() {
        return new Rtnetlink(NetlinkSocket.open());
    }

    /**
     * Opens a client for another network namespace (see {@link NetlinkSocket#openIn}): no thread of
     * the JVM joins it.
     *
     * @param nsOrPidFd an open network namespace file ({@code /proc/<pid>/ns/net}, {@code /run/netns/NAME})
     *                  or a pidfd; it stays the caller's to close
     * @return the client
     * @throws ErrnoException if {@code setns} or opening the socket fails
     */
    public static Rtnetlink openIn(int nsOrPidFd) {
        return new Rtnetlink(NetlinkSocket.openIn(nsOrPidFd));
    }

    /**
     * Creates a veth pair: {@code name} here and {@code peerName} in the namespace of
     * {@code peerNetnsFd}, created there directly (it never appears in this namespace). Both ends
     * are down.
     *
     * @param name        this end's name
     * @param peerName    the other end's name
     * @param peerNetnsFd an open network namespace file for the peer, or -1 for this namespace
     * @throws NetlinkException         if the kernel refuses (EEXIST: a name is taken; EBADF/EINVAL: not a netns fd)
     * @throws IllegalArgumentException if a name is not a valid interface name
     */
    public void createVeth(String name, String peerName, int peerNetnsFd) {
        checkName("name", name);
        checkName("peerName", peerName);
        send("RTM_NEWLINK", "veth " + quote(name) + " peer " + quote(peerName)
                + (peerNetnsFd >= 0 ? " in netns fd " + peerNetnsFd : ""), newVeth(name, peerName, peerNetnsFd));
    }

    /** The {@code RTM_NEWLINK} request for a veth pair: the peer is an {@code ifinfomsg} and attributes nested in the link info. */
    static MessageWriter newVeth(String name, String peerName, int peerNetnsFd) {
        MessageWriter w = new MessageWriter(Rtnl.RTM_NEWLINK, CREATE).ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0)
                .string(Rtnl.IFLA_IFNAME, name)
                .begin(Rtnl.IFLA_LINKINFO).string(Rtnl.IFLA_INFO_KIND, "veth")
                .begin(Rtnl.IFLA_INFO_DATA)
                .begin(Rtnl.VETH_INFO_PEER).ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0).string(Rtnl.IFLA_IFNAME, peerName);
        if (peerNetnsFd >= 0) {
            w.u32(Rtnl.IFLA_NET_NS_FD, peerNetnsFd);
        }
        return w.end().end().end();
    }

    /**
     * Creates a bridge, down and without ports.
     *
     * @param name the bridge's name
     * @throws NetlinkException         if the kernel refuses (EEXIST: the name is taken)
     * @throws IllegalArgumentException if the name is not a valid interface name
     */
    public void createBridge(String name) {
        checkName("name", name);
        send("RTM_NEWLINK", "bridge " + quote(name), new MessageWriter(Rtnl.RTM_NEWLINK, CREATE)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0)
                .string(Rtnl.IFLA_IFNAME, name)
                .begin(Rtnl.IFLA_LINKINFO).string(Rtnl.IFLA_INFO_KIND, "bridge").end());
    }

    /**
     * Sets a link administratively up ({@code ip link set NAME up}).
     *
     * @param name the link
     * @throws NetlinkException if the kernel refuses (ENODEV: no such link)
     */
    public void setUp(String name) {
        setFlags(name, Rtnl.IFF_UP, "up");
    }

    /**
     * Sets a link administratively down.
     *
     * @param name the link
     * @throws NetlinkException if the kernel refuses (ENODEV: no such link)
     */
    public void setDown(String name) {
        setFlags(name, 0, "down");
    }

    /**
     * Sets the loopback interface {@code lo} up: a new network namespace starts with it down.
     *
     * @throws NetlinkException if the kernel refuses
     */
    public void loopbackUp() {
        setUp("lo");
    }

    private void setFlags(String name, int flags, String what) {
        checkName("name", name);
        send("RTM_NEWLINK", "link " + quote(name) + " " + what, named(Rtnl.RTM_NEWLINK, name, flags, Rtnl.IFF_UP));
    }

    /**
     * Sets a link's MTU.
     *
     * @param name the link
     * @param mtu  the MTU in bytes, positive
     * @throws NetlinkException         if the kernel refuses (EINVAL: outside the device's range, with the range in the text)
     * @throws IllegalArgumentException if {@code mtu} is not positive
     */
    public void setMtu(String name, int mtu) {
        checkName("name", name);
        if (mtu <= 0) {
            throw new IllegalArgumentException("mtu for " + quote(name) + ": " + mtu + " is not positive");
        }
        send("RTM_NEWLINK", "link " + quote(name) + " mtu " + mtu, named(Rtnl.RTM_NEWLINK, name, 0, 0)
                .u32(Rtnl.IFLA_MTU, mtu));
    }

    /**
     * Attaches a link to a bridge ({@code ip link set LINK master BRIDGE}).
     *
     * @param link   the link to attach
     * @param bridge the bridge
     * @throws NetlinkException if the kernel refuses (ENODEV: either does not exist, named in the message)
     */
    public void setMaster(String link, String bridge) {
        checkName("link", link);
        int master = index(bridge, "bridge " + quote(bridge) + " for link " + quote(link));
        send("RTM_NEWLINK", "link " + quote(link) + " master " + quote(bridge), named(Rtnl.RTM_NEWLINK, link, 0, 0)
                .u32(Rtnl.IFLA_MASTER, master));
    }

    /**
     * Moves a link into another network namespace, where it appears down and without addresses.
     *
     * @param name  the link
     * @param nsFd  an open network namespace file
     * @throws NetlinkException if the kernel refuses (ENODEV: no such link; EBADF, EINVAL: not a netns fd;
     *                          EEXIST: the name is taken there)
     */
    public void moveToNetns(String name, int nsFd) {
        checkName("name", name);
        send("RTM_NEWLINK", "link " + quote(name) + " to netns fd " + nsFd, named(Rtnl.RTM_NEWLINK, name, 0, 0)
                .u32(Rtnl.IFLA_NET_NS_FD, nsFd));
    }

    /**
     * Renames a link; the kernel refuses while it is up (EBUSY).
     *
     * @param name    the link's current name
     * @param newName its new name
     * @throws NetlinkException         if the kernel refuses (ENODEV, EEXIST, EBUSY)
     * @throws IllegalArgumentException if {@code newName} is not a valid interface name
     */
    public void rename(String name, String newName) {
        checkName("newName", newName);
        int index = index(name, "link " + quote(name) + " to rename to " + quote(newName));
        send("RTM_NEWLINK", "link " + quote(name) + " rename to " + quote(newName),
                new MessageWriter(Rtnl.RTM_NEWLINK, 0).ifinfomsg(Rtnl.AF_UNSPEC, index, 0, 0)
                        .string(Rtnl.IFLA_IFNAME, newName));
    }

    /**
     * Deletes a link; deleting one end of a veth pair deletes both.
     *
     * @param name the link
     * @throws NetlinkException if the kernel refuses (ENODEV: no such link)
     */
    public void delete(String name) {
        checkName("name", name);
        send("RTM_DELLINK", "link " + quote(name), named(Rtnl.RTM_DELLINK, name, 0, 0));
    }

    /**
     * Looks a link up by name.
     *
     * @param name the link's name
     * @return the link, or empty if there is none of that name
     * @throws NetlinkException         if the kernel refuses for another reason
     * @throws IllegalArgumentException if the name is not a valid interface name
     */
    public Optional<LinkInfo> link(String name) {
        checkName("name", name);
        try {
            return Optional.of(getLink(name, "link " + quote(name)));
        } catch (NetlinkException e) {
            if (e.errno() == ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Lists the namespace's links.
     *
     * @return every link, in the kernel's order (by index)
     * @throws NetlinkException if the kernel refuses
     */
    public List<LinkInfo> links() {
        return dump("RTM_GETLINK", "links", new MessageWriter(Rtnl.RTM_GETLINK, Rtnl.NLM_F_DUMP)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0), Rtnl.RTM_NEWLINK, LinkInfo::from);
    }

    /**
     * Adds an address to a link ({@code ip addr add ADDRESS/PREFIX dev LINK}). IPv6 addresses are
     * added with {@code IFA_F_NODAD}: a container's address is unique by construction and must be
     * usable at once, not after duplicate address detection.
     *
     * @param link         the link
     * @param address      an IPv4 or IPv6 address
     * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
     * @throws NetlinkException         if the kernel refuses (ENODEV: no such link; EEXIST: already assigned)
     * @throws IllegalArgumentException if the prefix length is out of range for the address family
     */
    public void addAddress(String link, InetAddress address, int prefixLength) {
        changeAddress(Rtnl.RTM_NEWADDR, CREATE, "RTM_NEWADDR", link, address, prefixLength);
    }

    /**
     * Removes an address from a link.
     *
     * @param link         the link
     * @param address      the address
     * @param prefixLength its prefix length
     * @throws NetlinkException         if the kernel refuses (EADDRNOTAVAIL: not assigned)
     * @throws IllegalArgumentException if the prefix length is out of range for the address family
     */
    public void deleteAddress(String link, InetAddress address, int prefixLength) {
        changeAddress(Rtnl.RTM_DELADDR, 0, "RTM_DELADDR", link, address, prefixLength);
    }

    private void changeAddress(int type, int flags, String call, String link, InetAddress address, int prefixLength) {
        checkName("link", link);
        int family = family(address);
        int max = family == Rtnl.AF_INET ? 32 : 128;
        String what = "address " + address.getHostAddress() + "/" + prefixLength + " on link " + quote(link);
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefixLength of " + what + ": must be 0.." + max);
        }
        int index = index(link, what);
        int ifaFlags = family == Rtnl.AF_INET6 ? Rtnl.IFA_F_NODAD : 0;
        byte[] bytes = address.getAddress();
        send(call, what, new MessageWriter(type, flags)
                .ifaddrmsg(family, prefixLength, ifaFlags, Rtnl.RT_SCOPE_UNIVERSE, index)
                .attribute(Rtnl.IFA_LOCAL, bytes)
                .attribute(Rtnl.IFA_ADDRESS, bytes)
                .u32(Rtnl.IFA_FLAGS, ifaFlags));
    }

    /**
     * Lists the namespace's IPv4 and IPv6 addresses.
     *
     * @return every address, IPv4 first
     * @throws NetlinkException if the kernel refuses
     */
    public List<AddressInfo> addresses() {
        List<AddressInfo> all = new ArrayList<>();
        for (int family : new int[] {Rtnl.AF_INET, Rtnl.AF_INET6}) {
            all.addAll(dump("RTM_GETADDR", "addresses", new MessageWriter(Rtnl.RTM_GETADDR, Rtnl.NLM_F_DUMP)
                    .ifaddrmsg(family, 0, 0, 0, 0), Rtnl.RTM_NEWADDR, AddressInfo::from));
        }
        return all;
    }

    /**
     * Adds a default route via {@code gateway} to the main table ({@code ip route add default via GATEWAY});
     * the gateway must be reachable on a link that is up (ENETUNREACH otherwise).
     *
     * @param gateway an IPv4 or IPv6 gateway
     * @throws NetlinkException if the kernel refuses (EEXIST: a default route exists; ENETUNREACH)
     */
    public void addDefaultRoute(InetAddress gateway) {
        int family = family(gateway);
        send("RTM_NEWROUTE", "default via " + gateway.getHostAddress(), new MessageWriter(Rtnl.RTM_NEWROUTE, CREATE)
                .rtmsg(family, 0, Rtnl.RT_TABLE_MAIN, Rtnl.RTPROT_BOOT, Rtnl.RT_SCOPE_UNIVERSE, Rtnl.RTN_UNICAST)
                .attribute(Rtnl.RTA_GATEWAY, gateway.getAddress()));
    }

    /**
     * Lists the IPv4 and IPv6 routes of every table (main, local, and any other); filter on
     * {@link RouteInfo#table()} for one.
     *
     * @return every route, IPv4 first
     * @throws NetlinkException if the kernel refuses
     */
    public List<RouteInfo> routes() {
        List<RouteInfo> all = new ArrayList<>();
        for (int family : new int[] {Rtnl.AF_INET, Rtnl.AF_INET6}) {
            all.addAll(dump("RTM_GETROUTE", "routes", new MessageWriter(Rtnl.RTM_GETROUTE, Rtnl.NLM_F_DUMP)
                    .rtmsg(family, 0, Rtnl.RT_TABLE_UNSPEC, 0, 0, 0), Rtnl.RTM_NEWROUTE, RouteInfo::from));
        }
        return all;
    }

    /** Closes the socket; later calls fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        socket.close();
    }

    private LinkInfo getLink(String name, String detail) {
        List<byte[]> replies = socket.request("RTM_GETLINK", detail, new MessageWriter(Rtnl.RTM_GETLINK, 0)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0).string(Rtnl.IFLA_IFNAME, name).bytes());
        for (byte[] reply : replies) {
            Message m = Message.parse(reply);
            if (m.type() == Rtnl.RTM_NEWLINK) {
                return LinkInfo.from(m);
            }
        }
        throw new NetlinkFormatException("RTM_GETLINK(" + detail + "): the kernel acked without a link");
    }

    private int index(String name, String detail) {
        checkName("link", name);
        return getLink(name, detail).index();
    }

    /**
     * A request about an existing link named by {@code IFLA_IFNAME} (index 0, which the kernel then
     * looks up by name), with {@code ifi_flags} and {@code ifi_change}.
     */
    private static MessageWriter named(int type, String name, int flags, int change) {
        return new MessageWriter(type, 0).ifinfomsg(Rtnl.AF_UNSPEC, 0, flags, change).string(Rtnl.IFLA_IFNAME, name);
    }

    private void send(String call, String detail, MessageWriter message) {
        socket.request(call, detail, message.bytes());
    }

    private <T> List<T> dump(String call, String detail, MessageWriter request, int type, Function<Message, T> reader) {
        List<T> result = new ArrayList<>();
        for (byte[] reply : socket.request(call, detail, request.bytes())) {
            Message m = Message.parse(reply);
            if (m.type() == type) {
                result.add(reader.apply(m));
            }
        }
        return result;
    }

    private static int family(InetAddress address) {
        return switch (address) {
            case Inet4Address a -> Rtnl.AF_INET;
            case Inet6Address a -> Rtnl.AF_INET6;
            default -> throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + address);
        };
    }

    /** Throws unless {@code name} is a name the kernel accepts for an interface ({@code dev_valid_name}). */
    static void checkName(String field, String name) {
        if (name == null) {
            throw new NullPointerException(field);
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        String problem = name.isEmpty() ? "is empty"
                : bytes >= IFNAMSIZ ? "is " + bytes + " bytes, longer than " + (IFNAMSIZ - 1)
                : name.equals(".") || name.equals("..") ? "is reserved"
                : name.chars().anyMatch(c -> c == '/' || c == ':' || c == 0 || Character.isWhitespace(c))
                        ? "contains '/', ':', NUL or white space" : null;
        if (problem != null) {
            throw new IllegalArgumentException(field + ": interface name " + quote(name) + " " + problem);
        }
    }

    private static String quote(String name) {
        return "\"" + name + "\"";
    }
}
