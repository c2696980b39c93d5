/**
 * Root filesystems for containers, such as a minimal one assembled from the host's own programs.
 *
 * <pre>{@code
 * Path rootfs = Rootfs.defaultRootfs(Path.of("target/rootfs"));   // sh, ls, ps, mount, ip, ...
 * Path custom = Rootfs.fromHost(Path.of("/var/tmp/r"), "sh", "curl");
 * }</pre>
 */
package dev.panamax.rootfs;
