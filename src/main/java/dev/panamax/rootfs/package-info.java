/** Root filesystems for containers, such as a minimal one assembled from the host's own programs. */
package dev.panamax.rootfs;
