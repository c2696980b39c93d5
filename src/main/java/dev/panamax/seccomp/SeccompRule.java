package dev.panamax.seccomp;

import dev.panamax.spec.InvalidSpecException;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One rule of a {@link SeccompProfile}: when {@code syscall} is called and every condition holds,
 * the kernel applies {@code action}.
 *
 * <pre>{@code
 * var denyMount = new SeccompRule("mount", SeccompAction.EPERM, List.of());
 * var denyNewUser = new SeccompRule("clone", SeccompAction.EPERM,
 *         List.of(ArgCondition.maskedEq(0, 0x10000000L, 0x10000000L)));
 * denyNewUser.render();   // "clone if (arg0 & 0x10000000) == 0x10000000 -> ERRNO(EPERM)"
 * }</pre>
 *
 * @param syscall    the system call name as in {@code asm/unistd_64.h}, e.g. {@code "openat"}
 * @param action     what happens when the rule matches
 * @param conditions all must hold; empty means the rule matches every call of {@code syscall}
 */
public record SeccompRule(String syscall, SeccompAction action, List<ArgCondition> conditions) {

    /**
     * Checks the rule and copies the conditions.
     *
     * @throws InvalidSpecException if {@code syscall} is blank
     * @throws NullPointerException     naming the component that is null
     */
    public SeccompRule {
        Objects.requireNonNull(syscall, "SeccompRule.syscall");
        if (syscall.isBlank()) {
            throw new InvalidSpecException("seccomp", "SeccompRule.syscall must not be blank");
        }
        Objects.requireNonNull(action, "SeccompRule.action");
        conditions = List.copyOf(Objects.requireNonNull(conditions, "SeccompRule.conditions"));
    }

    /**
     * A rule with the given conditions (none: it matches every call).
     *
     * @param syscall    the system call name, e.g. {@code "openat"}
     * @param action     what happens when the rule matches
     * @param conditions all must hold
     * @return the rule
     */
    public static SeccompRule of(String syscall, SeccompAction action, ArgCondition... conditions) {
        return new SeccompRule(syscall, action, List.of(conditions));
    }

    /** {@return whether the rule depends on arguments} */
    public boolean conditional() {
        return !conditions.isEmpty();
    }

    /** The conditions as a set: two rules with the same set match the same calls. */
    Set<ArgCondition> conditionSet() {
        return Set.copyOf(conditions);
    }

    /** {@return one line: {@code "mount -> ERRNO(EPERM)"}, {@code "personality if arg0 == 0x8 -> ALLOW"}} */
    public String render() {
        String when = conditions.isEmpty() ? ""
                : conditions.stream().map(ArgCondition::render).collect(Collectors.joining(" && ", " if ", ""));
        return syscall + when + " -> " + action.render();
    }
}
