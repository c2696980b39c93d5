/**
 * The parent's side of a launch: the launcher thread, clone3 through the trampoline, the protocol phases
 * (user maps, cgroup, release, exec or error), failure reports, the reaper and the {@code Container}
 * handle. Internal.
 */
package dev.panamax.launch;
