/**
 * Container networking: the values a spec names ({@link dev.panamax.net.Network},
 * {@link dev.panamax.net.BridgeNetwork}, {@link dev.panamax.net.IpPrefix}, {@link dev.panamax.net.PortMapping},
 * {@link dev.panamax.net.NameResolution}),
 * address leases shared by every process on the host ({@link dev.panamax.net.Leases}), and a container's
 * {@code /etc/resolv.conf}, {@code /etc/hosts} and {@code /etc/hostname} ({@link dev.panamax.net.EtcFiles}).
 *
 * <p>The values are immutable and checked when made: a bad one is an
 * {@link dev.panamax.spec.InvalidSpecException} naming the field. Addresses are always literals: nothing here
 * looks a name up.
 */
package dev.panamax.net;
