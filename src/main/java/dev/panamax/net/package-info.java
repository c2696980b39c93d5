/**
 * Container networking: rtnetlink from Java.
 *
 * <p>{@link dev.panamax.net.Rtnetlink} creates veth pairs and bridges, sets links up, moves them
 * between network namespaces, and adds addresses and routes, over a
 * {@link dev.panamax.sys.NetlinkSocket}. The messages are built and parsed as pure bytes in this
 * package (no I/O, property-tested); refusals are {@link dev.panamax.sys.NetlinkException}s with the
 * kernel's own explanation.
 */
package dev.panamax.net;
