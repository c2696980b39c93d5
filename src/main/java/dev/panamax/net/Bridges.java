package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Errno;
import dev.panamax.sys.NetlinkException;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bridge networks on the host: made ready on first use, a container connected to one, and removed on request.
 * The bridge, its gateway addresses and Panamax's nftables table stay after the containers end, until
 * {@link #remove}; what belongs to one container (its veth pair, its published ports) goes with it.
 *
 * <pre>{@code
 * Bridges.ensure(BridgeNetwork.defaults());     // panamax0 up with 10.89.0.1/24, NAT from 10.89.0.0/24
 * Bridges.remove(BridgeNetwork.defaults());     // the bridge and its NAT rule are gone
 * }</pre>
 */
public final class Bridges {
    /** The container's end of its veth pair. */
    public static final String CONTAINER_INTERFACE = "eth0";
    private static final int EEXIST = Errno.number("EEXIST");

    /** Networks this JVM made ready: checked once per JVM, not at every launch. */
    private static final Set<BridgeNetwork> READY = ConcurrentHashMap.newKeySet();

    private Bridges() {
    }

    /**
     * Makes the bridge of {@code network} ready: if missing, checks that its subnets overlap no host route,
     * creates it with the gateway addresses and MTU and sets it up; turns on IP forwarding; adds its subnets to
     * the masquerade set of Panamax's nftables table. Idempotent, safe from several JVMs at once (a bridge made
     * meanwhile by another is taken as it is).
     *
     * @param network the bridge network
     * @throws InvalidSpecException ({@code network.name}) if a link of that name exists and is not a bridge,
     *                              ({@code subnet}) if a subnet overlaps a host route
     * @throws NetlinkException     if the kernel refuses a change (the message names it)
     * @throws NftablesException    if nft fails
     */
    public static void ensure(BridgeNetwork network) {
        if (READY.contains(network)) {
            return;
        }
        synchronized (Bridges.class) {
            if (READY.contains(network)) {
                return;
            }
            HostNetwork host = new HostNetwork();
            try (Rtnetlink rt = Rtnetlink.open()) {
                Optional<LinkInfo> link = rt.link(network.name());
                if (link.isPresent() && !link.get().kind().equals("bridge")) {
                    throw new InvalidSpecException("network.name", "the link " + network.name() + " exists and is "
                            + (link.get().kind().isEmpty() ? "not a bridge" : "a " + link.get().kind()
                            + ", not a bridge") + ": name another bridge, or remove that link");
                }
                if (link.isEmpty()) {
                    host.requireNoRouteOverlap(network.subnet().address(), network.subnet().length(), network.name());
                    network.subnet6().ifPresent(s -> host.requireNoRouteOverlap(s.address(), s.length(),
                            network.name()));
                    try {
                        rt.createBridge(network.name());
                    } catch (NetlinkException e) {
                        if (e.errno() != EEXIST) {
                            throw e;
                        }
                    }
                }
                addQuietly(rt, network.name(), network.gateway(), network.subnet().length());
                if (network.subnet6().isPresent()) {
                    addQuietly(rt, network.name(), network.gateway6().orElseThrow(), network.subnet6().get().length());
                }
                rt.setMtu(network.name(), network.mtu());
                rt.setUp(network.name());
            }
            host.enableIpForward(network.subnet6().isPresent());
            host.enableRouteLocalnet(network.name());
            Nftables nft = new Nftables();
            nft.ensureTable();
            nft.addMasquerade(network.subnet().address(), network.subnet().length());
            network.subnet6().ifPresent(s -> nft.addMasquerade(s.address(), s.length()));
            READY.add(network);
        }
    }

    /** Adds an address the bridge may have already (another JVM made it ready, or this one before a restart). */
    private static void addQuietly(Rtnetlink rt, String link, InetAddress address, int prefix) {
        try {
            rt.addAddress(link, address, prefix);
        } catch (NetlinkException e) {
            if (e.errno() != EEXIST) {
                throw e;
            }
        }
    }

    /**
     * Connects a container's network namespace to the bridge: a veth pair with {@code hostInterface} on the
     * bridge and {@link #CONTAINER_INTERFACE} in the namespace (created there directly), which gets the
     * addresses, the bridge's MTU and default routes through the gateways. The container's loopback is set up
     * too.
     *
     * @param network       the bridge network, made ready by {@link #ensure}
     * @param netnsFd       an open network namespace file of the container (or its pidfd); the caller's to close
     * @param hostInterface the host end's name (at most 15 bytes, unique on the host)
     * @param address       the container's IPv4 address in the subnet
     * @param address6      its IPv6 address, when the network has IPv6
     * @throws NetlinkException if the kernel refuses a change (the message names the link and the change)
     */
    public static void connect(BridgeNetwork network, int netnsFd, String hostInterface, InetAddress address,
                               Optional<InetAddress> address6) {
        try (Rtnetlink rt = Rtnetlink.open()) {
            rt.createVeth(hostInterface, CONTAINER_INTERFACE, netnsFd);
            try {
                rt.setMtu(hostInterface, network.mtu());
                rt.setMaster(hostInterface, network.name());
                rt.setUp(hostInterface);
            } catch (RuntimeException e) {
                try {
                    rt.delete(hostInterface); // its peer goes with it
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
        }
        try (Rtnetlink inside = Rtnetlink.openIn(netnsFd)) {
            inside.loopbackUp();
            inside.setMtu(CONTAINER_INTERFACE, network.mtu());
            inside.addAddress(CONTAINER_INTERFACE, address, network.subnet().length());
            if (address6.isPresent()) {
                inside.addAddress(CONTAINER_INTERFACE, address6.get(), network.subnet6().orElseThrow().length());
            }
            inside.setUp(CONTAINER_INTERFACE);
            inside.addDefaultRoute(network.gateway());
            if (address6.isPresent()) {
                inside.addDefaultRoute(network.gateway6().orElseThrow());
            }
        }
    }

    /**
     * Deletes the host end of a container's veth pair (its peer goes with it); one already gone (the
     * container's network namespace ended, which deletes the pair) is no error.
     *
     * @param hostInterface the host end's name
     * @throws NetlinkException if the kernel refuses otherwise
     */
    public static void disconnect(String hostInterface) {
        try (Rtnetlink rt = Rtnetlink.open()) {
            if (rt.link(hostInterface).isPresent()) {
                try {
                    rt.delete(hostInterface);
                } catch (NetlinkException e) {
                    if (e.errno() != Errno.number("ENODEV")) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Removes a bridge network from the host: its bridge (if it is one) and its subnets' masquerade; Panamax's
     * table stays for the other networks ({@link Nftables#removeTable()} removes it). Containers still on the
     * bridge lose their connection.
     *
     * @param network the bridge network
     * @throws NetlinkException  if the kernel refuses
     * @throws NftablesException if nft fails
     */
    public static void remove(BridgeNetwork network) {
        synchronized (Bridges.class) {
            READY.remove(network);
            try (Rtnetlink rt = Rtnetlink.open()) {
                Optional<LinkInfo> link = rt.link(network.name());
                if (link.isPresent() && link.get().kind().equals("bridge")) {
                    rt.delete(network.name());
                }
            }
            Nftables nft = new Nftables();
            nft.removeMasquerade(network.subnet().address(), network.subnet().length());
            network.subnet6().ifPresent(s -> nft.removeMasquerade(s.address(), s.length()));
        }
    }
}
