/**
 * The fixed machine-code interpreter that runs a child program between clone and execve, and {@code Arch},
 * what differs between the architectures it exists for (x86-64 and arm64: {@code X86_64Code},
 * {@code Aarch64Code}). Internal.
 */
package dev.panamax.trampoline;
