/**
 * Container networking: outbound NAT and published ports in Panamax's own nftables table
 * ({@link dev.panamax.net.Nftables}) and the host checks and settings a bridge network needs
 * ({@link dev.panamax.net.HostNetwork}).
 */
package dev.panamax.net;
