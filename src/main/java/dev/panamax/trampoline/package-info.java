/**
 * The fixed machine-code interpreter that runs a child program between clone and execve, and {@code Arch},
 * what differs between the architectures it exists for (x86-64 only so far). Internal.
 */
package dev.panamax.trampoline;
