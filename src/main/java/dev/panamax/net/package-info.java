/**
 * Container networking: rootless user-mode networking through pasta or slirp4netns
 * ({@link dev.panamax.net.UserModeNetwork}).
 */
package dev.panamax.net;
