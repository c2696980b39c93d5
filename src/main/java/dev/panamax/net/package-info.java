/**
 * Container networking: the values a spec names ({@link dev.panamax.net.Network},
 * {@link dev.panamax.net.BridgeNetwork}, {@link dev.panamax.net.IpPrefix}, {@link dev.panamax.net.PortMapping},
 * {@link dev.panamax.net.NameResolution}),
 * address leases shared by every process on the host ({@link dev.panamax.net.Leases}), and a container's
 * {@code /etc/resolv.conf}, {@code /etc/hosts} and {@code /etc/hostname} ({@link dev.panamax.net.EtcFiles}), and rtnetlink from Java.
 *
 * <p>The values are immutable and checked when made: a bad one is an
 * {@link dev.panamax.spec.InvalidSpecException} naming the field. Addresses are always literals: nothing here
 * looks a name up.
 *
 * <p>{@link dev.panamax.net.Rtnetlink} creates veth pairs and bridges, sets links up, moves them
 * between network namespaces, and adds addresses and routes, over a
 * {@link dev.panamax.sys.NetlinkSocket}. The messages are built and parsed as pure bytes in this
 * package (no I/O, property-tested); refusals are {@link dev.panamax.sys.NetlinkException}s with the
 * kernel's own explanation.
 *
 * <p>Outbound NAT and published ports live in Panamax's own nftables table ({@link dev.panamax.net.Nftables});
 * {@link dev.panamax.net.HostNetwork} makes the host checks and settings a bridge network needs.
 */
package dev.panamax.net;
