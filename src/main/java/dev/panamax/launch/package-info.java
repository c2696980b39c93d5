/** Compiles a spec into a child program and runs the parent side of the launch protocol. Internal. */
package dev.panamax.launch;
