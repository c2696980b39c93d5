/**
 * Safe, errno-checked wrappers over the Linux calls Panamax needs, in pure Java over the generated
 * bindings (the only code that uses them): {@link dev.panamax.sys.Linux} ({@code unshare}, {@code setns},
 * {@code mount}, {@code umount2}, {@code pivot_root}, {@code sethostname}), {@link dev.panamax.sys.Bpf},
 * {@link dev.panamax.sys.Namespace}, {@link dev.panamax.sys.MountFlag}; every failure is an
 * {@link dev.panamax.sys.ErrnoException}.
 *
 * <p>The namespace and mount calls act on the calling OS thread, and through it on whatever that thread
 * runs next: call them on a dedicated platform thread that ends afterwards, never on a pooled or virtual
 * thread. {@link dev.panamax.sys.Linux} explains why and shows how.
 */
package dev.panamax.sys;
