/**
 * Seccomp profiles: rules per system call, compiled to classic BPF.
 *
 * <p>A {@link dev.panamax.seccomp.SeccompProfile} is a list of
 * {@link dev.panamax.seccomp.SeccompRule}s (syscall, optional
 * {@link dev.panamax.seccomp.ArgCondition}s, {@link dev.panamax.seccomp.SeccompAction}) and a
 * default action. {@link dev.panamax.seccomp.SeccompProfile#compile()} produces a
 * {@link dev.panamax.seccomp.CompiledFilter}: the {@code struct sock_filter} bytes that the
 * launcher loads with {@code seccomp(SECCOMP_SET_MODE_FILTER)} after {@code no_new_privs}, as the
 * last step before {@code execve}, and a readable rendering for {@code Launcher.plan()}.
 *
 * <pre>{@code
 * CompiledFilter f = SeccompProfile.defaultProfile().toBuilder()
 *         .rule("ptrace", SeccompAction.EPERM)
 *         .build()
 *         .compile();
 * byte[] prog = f.bytes();   // f.length() instructions
 * }</pre>
 */
package dev.panamax.seccomp;
