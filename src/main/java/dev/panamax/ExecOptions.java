package dev.panamax;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How {@link ContainerControl#exec} runs a process in a container, beyond the process itself: what replaces
 * the container's identity and hardening for this process (as an OCI exec's process JSON does), and whether
 * the exec outlives the JVM that starts it. What is empty stays the container's.
 *
 * <pre>{@code
 * ExecOptions o = ExecOptions.defaults().withUser(new ProcessIdentity(1000, 1000, List.of()))
 *         .withCapabilities(Set.of(Capability.CHOWN), Set.of()).detached(true);
 * }</pre>
 *
 * @param user                the exec's uid, gid and groups; empty: the container's
 * @param capabilities        the exec's capabilities (bounding, permitted, effective), replacing the
 *                            container's; empty: the container's
 * @param ambientCapabilities its ambient capabilities, a subset of the capabilities; empty: the container's
 *                            that remain in the capabilities
 * @param noNewPrivileges     {@code PR_SET_NO_NEW_PRIVS} for the exec; empty: the container's
 * @param rlimits             limits set for the exec, over the container's
 * @param detach              the exec does not die with the starting JVM (its relay is reparented to the
 *                            JVM's subreaper when the JVM exits); otherwise SIGKILL when the JVM dies
 */
public record ExecOptions(Optional<ProcessIdentity> user, Optional<Set<Capability>> capabilities,
                          Optional<Set<Capability>> ambientCapabilities, Optional<Boolean> noNewPrivileges,
                          Map<Rlimit, Rlimit.Value> rlimits, boolean detach) {
    /**
     * Checks and copies the fields.
     *
     * @throws NullPointerException for a null field
     */
    public ExecOptions {
        java.util.Objects.requireNonNull(user, "user");
        capabilities = capabilities.map(Set::copyOf);
        ambientCapabilities = ambientCapabilities.map(Set::copyOf);
        java.util.Objects.requireNonNull(noNewPrivileges, "noNewPrivileges");
        rlimits = Map.copyOf(rlimits);
    }

    /** {@return everything the container's, dying with the JVM} */
    public static ExecOptions defaults() {
        return new ExecOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(),
                false);
    }

    /**
     * These options with another user.
     *
     * @param identity the exec's uid, gid and groups
     * @return the new options
     */
    public ExecOptions withUser(ProcessIdentity identity) {
        return new ExecOptions(Optional.of(identity), capabilities, ambientCapabilities, noNewPrivileges, rlimits,
                detach);
    }

    /**
     * These options with capabilities replacing the container's.
     *
     * @param kept    the bounding, permitted and effective capabilities
     * @param ambient the ambient ones, a subset of {@code kept}
     * @return the new options
     */
    public ExecOptions withCapabilities(Set<Capability> kept, Set<Capability> ambient) {
        return new ExecOptions(user, Optional.of(kept), Optional.of(ambient), noNewPrivileges, rlimits, detach);
    }

    /**
     * These options with no_new_privs set or not.
     *
     * @param on whether execve may never grant privileges
     * @return the new options
     */
    public ExecOptions withNoNewPrivileges(boolean on) {
        return new ExecOptions(user, capabilities, ambientCapabilities, Optional.of(on), rlimits, detach);
    }

    /**
     * These options with limits over the container's.
     *
     * @param limits the limits to set
     * @return the new options
     */
    public ExecOptions withRlimits(Map<Rlimit, Rlimit.Value> limits) {
        return new ExecOptions(user, capabilities, ambientCapabilities, noNewPrivileges, limits, detach);
    }

    /**
     * These options, detached or not. A detached exec outlives the starting JVM and is never reaped by it (its
     * status goes to the subreaper that inherits it, as with {@code runc exec --detach}): its handle's
     * {@code waitFor()} does not return, and {@code close()} lets it go rather than killing it.
     *
     * @param on whether the exec outlives the starting JVM
     * @return the new options
     */
    public ExecOptions detached(boolean on) {
        return new ExecOptions(user, capabilities, ambientCapabilities, noNewPrivileges, rlimits, on);
    }

    /**
     * The exec's hardening: the container's with these options' replacements.
     *
     * @param container the container's hardening
     * @return the exec's
     */
    public Hardening applyTo(Hardening container) {
        Set<Capability> caps = capabilities.orElse(container.capabilities());
        Set<Capability> ambient = ambientCapabilities.orElseGet(() -> {
            java.util.Set<Capability> kept = new java.util.HashSet<>(container.ambientCapabilities());
            kept.retainAll(caps);
            return kept;
        });
        Map<Rlimit, Rlimit.Value> limits = new java.util.EnumMap<>(Rlimit.class);
        limits.putAll(container.rlimits());
        limits.putAll(rlimits);
        return new Hardening(caps, ambient, noNewPrivileges.orElse(container.noNewPrivileges()), container.seccomp(),
                limits, container.oomScoreAdj(), container.umask());
    }
}
