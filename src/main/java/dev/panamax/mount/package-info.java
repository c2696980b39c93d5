/**
 * Mounts of a container: the {@link dev.panamax.mount.Mount} family, options by name, and the filesystem
 * settings of a spec (minimal /dev, read-only root, masked and read-only paths, an ephemeral overlay root).
 *
 * <p>Requires Linux 5.12 or later: every mount is made through file descriptors ({@code open_tree},
 * {@code fsopen}/{@code fsmount}, {@code move_mount}, {@code mount_setattr}) onto targets resolved inside
 * the rootfs with {@code openat2}, so a symlink in an untrusted rootfs cannot redirect a mount to the host.
 */
package dev.panamax.mount;
