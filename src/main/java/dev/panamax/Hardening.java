package dev.panamax;

import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.spec.InvalidSpecException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the process may still do: capabilities, no_new_privs, the seccomp filter, resource limits,
 * {@code oom_score_adj} and the umask. Set through {@link ContainerSpec.Builder}; the defaults are those of
 * runc/Docker: the {@linkplain Capability#defaultSet() default capability set}, no_new_privs on, the
 * {@linkplain SeccompProfile#defaultProfile() default seccomp profile}.
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder().rootfs(root).command("sh")
 *     .dropCapability(Capability.NET_RAW)
 *     .rlimit(Rlimit.NOFILE, 1024, 1024)
 *     .build();
 * spec.hardening().capabilities();   // the default set without NET_RAW
 * }</pre>
 *
 * <p>Ambient capabilities are empty unless asked for: a root process gets its bounding set back as
 * permitted and effective at execve anyway; a non-root process keeps across execve only what is ambient.
 *
 * @param capabilities        what the process keeps: its bounding, permitted and effective sets
 * @param ambientCapabilities raised into the ambient (and inheritable) set; a subset of {@code capabilities}
 * @param noNewPrivileges     {@code PR_SET_NO_NEW_PRIVS}: execve never grants privileges (setuid bits, file caps)
 * @param seccomp             the filter loaded just before execve, or empty for none
 * @param rlimits             resource limits set with {@code prlimit64}; others stay as the JVM's
 * @param oomScoreAdj         {@code /proc/self/oom_score_adj}, -1000..1000, or empty to inherit
 * @param umask               the file mode creation mask, 0..0777, or empty to inherit
 * @param appArmorProfile     the AppArmor profile the process runs under from its execve, or empty to keep the
 *                            launcher's (see {@link ContainerSpec.Builder#appArmorProfile})
 */
public record Hardening(Set<Capability> capabilities, Set<Capability> ambientCapabilities, boolean noNewPrivileges,
                        Optional<SeccompProfile> seccomp, Map<Rlimit, Rlimit.Value> rlimits,
                        OptionalInt oomScoreAdj, OptionalInt umask, Optional<String> appArmorProfile) {

    /**
     * Checks every rule: ambient capabilities are kept ones, soft limits at most hard ones, oom_score_adj and
     * the umask in range, and the seccomp profile compiles (once; launches reuse the filter).
     *
     * @throws InvalidSpecException naming the field and the rule
     */
    public Hardening {
        capabilities = Collections.unmodifiableSet(copy(capabilities));
        ambientCapabilities = Collections.unmodifiableSet(copy(ambientCapabilities));
        HardeningRules.checkAmbient(ambientCapabilities, capabilities);
        rlimits = Collections.unmodifiableMap(rlimits.isEmpty() ? new EnumMap<>(Rlimit.class) : new EnumMap<>(rlimits));
        rlimits.forEach(HardeningRules::checkRlimit);
        Objects.requireNonNull(oomScoreAdj, "oomScoreAdj").ifPresent(HardeningRules::checkOomScoreAdj);
        Objects.requireNonNull(umask, "umask").ifPresent(HardeningRules::checkUmask);
        Objects.requireNonNull(seccomp, "seccomp").ifPresent(HardeningRules::checkSeccomp);
        Objects.requireNonNull(appArmorProfile, "appArmorProfile").ifPresent(HardeningRules::checkAppArmorProfile);
    }

    /**
     * Hardening without an AppArmor profile: the constructor above with none.
     *
     * @param capabilities        what the process keeps: its bounding, permitted and effective sets
     * @param ambientCapabilities raised into the ambient (and inheritable) set
     * @param noNewPrivileges     {@code PR_SET_NO_NEW_PRIVS}
     * @param seccomp             the filter loaded just before execve, or empty for none
     * @param rlimits             resource limits set with {@code prlimit64}
     * @param oomScoreAdj         {@code /proc/self/oom_score_adj}, or empty to inherit
     * @param umask               the file mode creation mask, or empty to inherit
     * @throws InvalidSpecException naming the field and the rule
     */
    public Hardening(Set<Capability> capabilities, Set<Capability> ambientCapabilities, boolean noNewPrivileges,
                     Optional<SeccompProfile> seccomp, Map<Rlimit, Rlimit.Value> rlimits,
                     OptionalInt oomScoreAdj, OptionalInt umask) {
        this(capabilities, ambientCapabilities, noNewPrivileges, seccomp, rlimits, oomScoreAdj, umask,
                Optional.empty());
    }

    /**
     * The defaults: {@link Capability#defaultSet()}, no_new_privs, the default seccomp profile, nothing else
     * (as for a container with a device policy: without one a spec drops CAP_MKNOD).
     *
     * @return the defaults
     */
    public static Hardening defaults() {
        return new Builder().build(true);
    }

    private static EnumSet<Capability> copy(Set<Capability> caps) {
        return caps.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(caps);
    }

    /**
     * The capabilities a container keeps unless its spec says otherwise: {@link Capability#defaultSet()}, less
     * CAP_MKNOD without a device policy (no cgroup could stop a node it makes: no device may be made).
     */
    static Set<Capability> defaultCapabilities(boolean devicePolicy) {
        Set<Capability> start = copy(Capability.defaultSet());
        if (!devicePolicy) {
            start.remove(Capability.MKNOD);
        }
        return start;
    }

    /**
     * A builder holding every setting of this one (for {@link ContainerSpec#toBuilder()}); the capabilities as
     * what was added to and dropped from the default set of a container with or without {@code devicePolicy},
     * so that a derived spec gets its own default (CAP_MKNOD follows its device policy, not this one's).
     */
    Builder toBuilder(boolean devicePolicy) {
        Builder b = new Builder();
        Set<Capability> start = defaultCapabilities(devicePolicy);
        capabilities.stream().filter(c -> !start.contains(c)).forEach(c -> b.addCapability(c.name()));
        start.stream().filter(c -> !capabilities.contains(c)).forEach(c -> b.dropCapability(c.name()));
        b.ambientCapabilities(ambientCapabilities.stream().map(Capability::name).toList());
        b.noNewPrivileges(noNewPrivileges);
        b.seccomp(seccomp.<Supplier<SeccompProfile>>map(p -> () -> p).orElse(null));
        b.rlimits.putAll(rlimits);
        oomScoreAdj.ifPresent(b::oomScoreAdj);
        umask.ifPresent(b::umask);
        b.appArmorProfile = appArmorProfile.orElse(null);
        return b;
    }

    /**
     * Collects the hardening part of a spec; {@link ContainerSpec.Builder} delegates to it. Capability names
     * are resolved, and the defaults applied, in {@link #build(boolean)}; the record checks the rules.
     */
    static final class Builder {
        /** Edits of the kept set in call order: replace, add or drop, by name (so typos surface in build()). */
        private final List<HardeningRules.Edit> capEdits = new ArrayList<>();
        private final List<String> ambient = new ArrayList<>();
        private boolean noNewPrivileges = true;
        private Supplier<SeccompProfile> seccomp = SeccompProfile::defaultProfile;
        private final Map<Rlimit, Rlimit.Value> rlimits = new EnumMap<>(Rlimit.class);
        private Integer oomScoreAdj;
        private Integer umask;
        /** The AppArmor profile, or null for none. */
        String appArmorProfile;

        void capabilities(List<String> names) {
            capEdits.add(new HardeningRules.Edit('=', List.copyOf(names)));
        }

        void addCapability(String name) {
            capEdits.add(new HardeningRules.Edit('+', List.of(name)));
        }

        void dropCapability(String name) {
            capEdits.add(new HardeningRules.Edit('-', List.of(name)));
        }

        void ambientCapabilities(List<String> names) {
            ambient.clear();
            ambient.addAll(names);
        }

        void noNewPrivileges(boolean on) {
            noNewPrivileges = on;
        }

        /** Where the profile comes from (called in build(), so a profile builder's errors surface there), or null. */
        void seccomp(Supplier<SeccompProfile> profile) {
            seccomp = profile;
        }

        void rlimit(Rlimit resource, long soft, long hard) {
            rlimits.put(Objects.requireNonNull(resource, "rlimit resource"), new Rlimit.Value(soft, hard));
        }

        void oomScoreAdj(int adj) {
            oomScoreAdj = adj;
        }

        void umask(int mask) {
            umask = mask;
        }

        /**
         * @param devicePolicy whether the container will have a device cgroup (a v1 devices controller or a v2
         *                     device program); without one, CAP_MKNOD leaves the default set unless the spec
         *                     names it
         */
        Hardening build(boolean devicePolicy) {
            Set<Capability> kept = HardeningRules.capabilities(defaultCapabilities(devicePolicy), capEdits);
            return new Hardening(kept, HardeningRules.parse("ambientCapabilities", ambient), noNewPrivileges,
                    HardeningRules.seccomp(seccomp), rlimits,
                    oomScoreAdj == null ? OptionalInt.empty() : OptionalInt.of(oomScoreAdj),
                    umask == null ? OptionalInt.empty() : OptionalInt.of(umask), Optional.ofNullable(appArmorProfile));
        }
    }
}
