package dev.panamax.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panamax.spec.InvalidSpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {

    /** The rule broken: each is an {@link InvalidSpecException} of the field {@code seccomp}. */
    private static String message(Runnable r) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, r::run);
        assertEquals("seccomp", e.field());
        return e.getMessage().substring("seccomp: ".length());
    }

    @Test
    void syscallThatExistsOnNoArchitectureIsNamed() {
        // open exists on x86-64 (not on arm64), but these exist on neither: a typo, and 32-bit arm's private call
        assertEquals("SeccompProfile rule 'mout -> ERRNO(EPERM)': syscall 'mout' does not exist on x86_64 or aarch64",
                message(() -> SeccompProfile.empty(SeccompAction.ALLOW).toBuilder()
                        .rule("mout", SeccompAction.EPERM).build()));
        assertEquals("SeccompProfile rule 'breakpoint -> ALLOW': syscall 'breakpoint' does not exist on x86_64 or"
                        + " aarch64",
                message(() -> SeccompProfile.builder(SeccompAction.ENOSYS).allow("read", "breakpoint").build()));
    }

    @Test
    void identicalConditionsWithConflictingActions() {
        var newUser = ArgCondition.maskedEq(0, 0x10000000L, 0x10000000L);
        assertEquals("SeccompProfile rules conflict for syscall 'mount': 'mount -> ERRNO(EPERM)' and 'mount -> ALLOW'"
                        + " match the same calls with different actions (use Builder.remove to replace a rule)",
                message(() -> SeccompProfile.defaultProfile().toBuilder().allow("mount").build()));
        assertEquals("SeccompProfile rules conflict for syscall 'clone': 'clone if arg1 == 0x0 && (arg0 & 0x10000000)"
                        + " == 0x10000000 -> TRAP' and 'clone if (arg0 & 0x10000000) == 0x10000000 && arg1 == 0x0 -> LOG'"
                        + " match the same calls with different actions (use Builder.remove to replace a rule)",
                message(() -> SeccompProfile.builder(SeccompAction.ALLOW)
                        .rule("clone", SeccompAction.TRAP, ArgCondition.eq(1, 0), newUser)
                        .rule("clone", SeccompAction.LOG, newUser, ArgCondition.eq(1, 0)).build()));
    }

    @Test
    void sameRuleTwiceIsKeptOnceAndRemoveReplaces() {
        var p = SeccompProfile.builder(SeccompAction.ALLOW).rule("mount", SeccompAction.EPERM)
                .rule("mount", SeccompAction.EPERM).build();
        assertEquals(List.of(SeccompRule.of("mount", SeccompAction.EPERM)), p.rules());
        var allowMount = SeccompProfile.defaultProfile().toBuilder().remove("mount").allow("mount").build();
        assertEquals(0x7fff0000, FilterTesting.run(allowMount.compile(), FilterTesting.call("mount")));
        assertEquals(0x00050001, FilterTesting.run(allowMount.compile(), FilterTesting.call("umount2")));
    }

    @Test
    void differentConditionsMayHaveDifferentActions() {
        var p = SeccompProfile.builder(SeccompAction.ALLOW)
                .rule("personality", SeccompAction.ALLOW, ArgCondition.eq(0, 8))
                .rule("personality", SeccompAction.EPERM).build();
        assertEquals(2, p.rules().size());
    }

    @Test
    void argumentIndexOutOfRange() {
        assertEquals("ArgCondition.index must be in 0..5 (syscalls have six arguments), was 6",
                message(() -> ArgCondition.eq(6, 0)));
        assertEquals("ArgCondition.index must be in 0..5 (syscalls have six arguments), was -1",
                message(() -> ArgCondition.maskedEq(-1, 1, 1)));
    }

    @Test
    void maskRules() {
        assertEquals("ArgCondition.value 0x3 has bits outside mask 0x1: (arg & mask) == value could never hold",
                message(() -> ArgCondition.maskedEq(0, 1, 3)));
        assertEquals("ArgCondition.mask is only for MASKED_EQ, was 0xff with EQ",
                message(() -> new ArgCondition(0, ArgCondition.Op.EQ, 0xff, 1)));
    }

    @Test
    void errnoRange() {
        assertEquals("Errno.errno must be in 0..4095 (MAX_ERRNO), was 4096", message(() -> SeccompAction.errno(4096)));
        assertEquals("Errno.errno must be in 0..4095 (MAX_ERRNO), was -1", message(() -> SeccompAction.errno(-1)));
    }

    @Test
    void blankSyscallName() {
        assertEquals("SeccompRule.syscall must not be blank", message(() -> SeccompRule.of(" ", SeccompAction.ALLOW)));
    }
}
