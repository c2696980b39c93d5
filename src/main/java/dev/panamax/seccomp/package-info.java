/** Seccomp profiles: rules per system call, compiled to classic BPF. */
package dev.panamax.seccomp;
