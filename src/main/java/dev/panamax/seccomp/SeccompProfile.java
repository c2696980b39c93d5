package dev.panamax.seccomp;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.internal.SyscallTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable, validated set of seccomp rules plus the action for every call no rule matches.
 *
 * <p>Evaluation: for a call of syscall {@code s}, the rules for {@code s} that have conditions are
 * tried in the order they were added and the first whose conditions all hold decides; otherwise the
 * unconditional rule for {@code s}, if any; otherwise {@link #defaultAction()}. Calls from another
 * architecture or through the x32 ABI are always {@code KILL_PROCESS}.
 *
 * <p>Architectures. Rules name calls, not numbers: a profile compiles for x86-64 ({@code x86_64}) or arm64
 * ({@code aarch64}), each with its own numbers and audit arch. A rule for a call that Linux has, but not on
 * the target architecture ({@code iopl} or {@code open} on arm64), is left out of that architecture's filter,
 * since no process there can make the call; {@link CompiledFilter#render()} lists what was left out.
 *
 * <pre>{@code
 * // Docker-like deny list, plus one more denied call:
 * SeccompProfile p = SeccompProfile.defaultProfile().toBuilder()
 *         .rule("ptrace", SeccompAction.EPERM)
 *         .build();
 *
 * // Allow list: everything not named fails with ENOSYS.
 * SeccompProfile tight = SeccompProfile.empty(SeccompAction.ENOSYS).toBuilder()
 *         .allow("read", "write", "exit_group", "execve")
 *         .build();
 * CompiledFilter filter = tight.compile();
 * System.out.println(filter.render());
 * }</pre>
 */
public final class SeccompProfile {

    /** The tables a rule's call is looked up in: a call in none of them is refused by {@link Builder#build()}. */
    private static final List<String> ARCHITECTURES = List.of("x86_64", "aarch64");

    private final SeccompAction defaultAction;
    private final List<SeccompRule> rules;
    /**
     * The profile is immutable, so it compiles once per architecture: launches reuse the filter (compiling
     * costs ~1 ms).
     */
    private final Map<SyscallTable, CompiledFilter> compiled = new ConcurrentHashMap<>(2);
    private int hash;

    private SeccompProfile(SeccompAction defaultAction, List<SeccompRule> rules) {
        this.defaultAction = defaultAction;
        this.rules = List.copyOf(rules);
    }

    /**
     * A deny list in the spirit of Docker's default profile: module loading, kexec, mounts, BPF,
     * keyrings, new user namespaces, clock and swap changes, io_uring, terminal input injection
     * ({@code TIOCSTI}, {@code TIOCLINUX}) and the like fail with {@code EPERM}; {@code clone3} fails with
     * {@code ENOSYS} so that libc falls back to {@code clone}, whose flags a filter can see; everything else
     * is allowed. For a workload that needs io_uring:
     * {@code seccomp(SeccompProfile.defaultProfile().toBuilder().allowIoUring())}.
     *
     * @return the default profile
     */
    public static SeccompProfile defaultProfile() {
        return DefaultHolder.PROFILE;
    }

    /** Built once: the profile is immutable, and its filter compiles once with it. */
    private static final class DefaultHolder {
        static final SeccompProfile PROFILE = DefaultProfile.build();
    }

    /**
     * A profile without rules: every call gets {@code defaultAction}.
     *
     * @param defaultAction the action for every call; for allow lists {@link SeccompAction#ENOSYS}
     * @return the profile
     */
    public static SeccompProfile empty(SeccompAction defaultAction) {
        return builder(defaultAction).build();
    }

    /**
     * A builder without rules.
     *
     * @param defaultAction the action for calls that no rule matches
     * @return the builder
     */
    public static Builder builder(SeccompAction defaultAction) {
        return new Builder(defaultAction);
    }

    /** {@return a builder holding this profile's default action and rules, to add or remove rules} */
    public Builder toBuilder() {
        Builder b = new Builder(defaultAction);
        b.rules.addAll(rules);
        return b;
    }

    /** {@return the action for calls that no rule matches} */
    public SeccompAction defaultAction() {
        return defaultAction;
    }

    /** {@return the rules in the order they were added, duplicates removed} */
    public List<SeccompRule> rules() {
        return rules;
    }

    /**
     * Compiles the profile to classic BPF for {@code seccomp(SECCOMP_SET_MODE_FILTER)} on the architecture this
     * JVM runs on, once.
     *
     * @return the filter
     * @throws InvalidSpecException if the filter has more than {@link CompiledFilter#MAX_INSTRUCTIONS}
     * @throws UnsupportedOperationException when this JVM runs on neither x86-64 nor arm64
     */
    public CompiledFilter compile() {
        return compile(SyscallTable.nativeTable());
    }

    /**
     * Compiles the profile for another architecture, once (a plan for an arm64 machine made on an x86-64 one):
     * its numbers, its audit arch first; rules for calls it does not have are left out.
     *
     * @param architecture the kernel's name ({@code uname -m}) or {@code os.arch}: {@code x86_64} or
     *                     {@code amd64}, {@code aarch64} or {@code arm64}
     * @return the filter
     * @throws InvalidSpecException if the filter has more than {@link CompiledFilter#MAX_INSTRUCTIONS}
     * @throws UnsupportedOperationException for any other architecture
     */
    public CompiledFilter compile(String architecture) {
        return compile(SyscallTable.forOsArch(architecture));
    }

    private CompiledFilter compile(SyscallTable table) {
        CompiledFilter filter = compiled.get(table);
        if (filter == null) {
            filter = FilterCompiler.compile(this, table);
            compiled.putIfAbsent(table, filter);
        }
        return filter;
    }

    /** The rules grouped by syscall (first-appearance order), each group in evaluation order. */
    Map<String, List<SeccompRule>> evaluationOrder() {
        Map<String, List<SeccompRule>> groups = new LinkedHashMap<>();
        for (SeccompRule r : rules) {
            List<SeccompRule> group = groups.computeIfAbsent(r.syscall(), k -> new ArrayList<>());
            if (r.conditional()) {
                group.add(r);
            }
        }
        // validation allows at most one unconditional rule per syscall; it is the group's fallback
        for (SeccompRule r : rules) {
            if (!r.conditional()) {
                groups.get(r.syscall()).add(r);
            }
        }
        return groups;
    }

    /** Profiles are equal when their default actions and rules (in order) are. */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof SeccompProfile p && p.defaultAction.equals(defaultAction)
                && p.rules.equals(rules);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = hash = 31 * defaultAction.hashCode() + rules.hashCode(); // a spec's hash, at every launch
        }
        return h;
    }

    @Override
    public String toString() {
        return "SeccompProfile[default " + defaultAction.render() + ", " + rules.size() + " rules]";
    }

    /** Collects rules; {@link #build()} validates them against the syscall tables of the architectures. */
    public static final class Builder {
        private SeccompAction defaultAction;
        private final List<SeccompRule> rules = new ArrayList<>();

        private Builder(SeccompAction defaultAction) {
            defaultAction(defaultAction);
        }

        /**
         * Sets the action for calls that no rule matches.
         *
         * @param action the action
         * @return this builder
         */
        public Builder defaultAction(SeccompAction action) {
            this.defaultAction = Objects.requireNonNull(action, "SeccompProfile.defaultAction");
            return this;
        }

        /**
         * Adds a rule.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder rule(SeccompRule rule) {
            rules.add(Objects.requireNonNull(rule, "SeccompProfile rule"));
            return this;
        }

        /**
         * Adds a rule for {@code syscall}; with no conditions it matches every call.
         *
         * @param syscall    the system call name, e.g. {@code "openat"}
         * @param action     what happens when the rule matches
         * @param conditions all must hold
         * @return this builder
         */
        public Builder rule(String syscall, SeccompAction action, ArgCondition... conditions) {
            return rule(SeccompRule.of(syscall, action, conditions));
        }

        /**
         * Adds one unconditional rule per syscall, all with {@code action}.
         *
         * @param action   what happens when one of them is called
         * @param syscalls system call names
         * @return this builder
         */
        public Builder rules(SeccompAction action, String... syscalls) {
            for (String s : syscalls) {
                rule(s, action);
            }
            return this;
        }

        /**
         * Unconditionally allows each syscall (for allow lists).
         *
         * @param syscalls system call names
         * @return this builder
         */
        public Builder allow(String... syscalls) {
            return rules(SeccompAction.ALLOW, syscalls);
        }

        /**
         * Opt-in to io_uring, which the default profile denies (as Docker 25+ and containerd do: a long
         * record of kernel escapes through it): removes the rules for {@code io_uring_setup},
         * {@code io_uring_enter} and {@code io_uring_register}, so that the default action applies.
         *
         * @return this builder
         */
        public Builder allowIoUring() {
            for (String call : DefaultProfile.IO_URING) {
                remove(call);
            }
            return this;
        }

        /**
         * Removes every rule for {@code syscall}, e.g. to replace a rule of the default profile.
         *
         * @param syscall the system call name
         * @return this builder
         */
        public Builder remove(String syscall) {
            rules.removeIf(r -> r.syscall().equals(syscall));
            return this;
        }

        /**
         * Validates and freezes the rules.
         *
         * @return the profile
         * @throws InvalidSpecException when a syscall exists on none of the architectures (x86-64, arm64), or
         *         two rules for one syscall have the same conditions but different actions
         */
        public SeccompProfile build() {
            List<SeccompRule> kept = new ArrayList<>();
            for (SeccompRule rule : rules) {
                if (ARCHITECTURES.stream().allMatch(a -> SyscallTable.forOsArch(a).number(rule.syscall()).isEmpty())) {
                    throw new InvalidSpecException("seccomp", "SeccompProfile rule '" + rule.render() + "': syscall '"
                            + rule.syscall() + "' does not exist on " + String.join(" or ", ARCHITECTURES));
                }
                SeccompRule same = sameCalls(kept, rule);
                if (same == null) {
                    kept.add(rule);
                } else if (!same.action().equals(rule.action())) {
                    throw new InvalidSpecException("seccomp", "SeccompProfile rules conflict for syscall '" + rule.syscall()
                            + "': '" + same.render() + "' and '" + rule.render()
                            + "' match the same calls with different actions (use Builder.remove to replace a rule)");
                }
            }
            return new SeccompProfile(defaultAction, kept);
        }

        private static SeccompRule sameCalls(List<SeccompRule> kept, SeccompRule rule) {
            for (SeccompRule k : kept) {
                if (k.syscall().equals(rule.syscall()) && k.conditionSet().equals(rule.conditionSet())) {
                    return k;
                }
            }
            return null;
        }
    }
}
