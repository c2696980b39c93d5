package dev.panamax.seccomp;

import dev.panamax.seccomp.ClassicBpfInterpreter.SeccompData;
import dev.panamax.sys.internal.SyscallTable;
import java.util.List;

/**
 * What a profile means, written directly from its documented rules (not from the compiler):
 * wrong arch or (on x86-64) an x32 number kills the process; otherwise the first conditional rule of the
 * syscall whose conditions all hold, then its unconditional rule, then the default.
 */
final class FilterSemantics {

    static final int RET_KILL_PROCESS = 0x80000000;
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;

    private FilterSemantics() {
    }

    static int expected(SeccompProfile profile, SeccompData data) {
        return expected(profile, SyscallTable.forOsArch("x86_64"), data);
    }

    /** As above, for the filter compiled for {@code table}'s architecture. */
    static int expected(SeccompProfile profile, SyscallTable table, SeccompData data) {
        boolean x32 = table.arch().equals("x86_64") && Integer.compareUnsigned(data.nr(), 0x40000000) >= 0;
        if (data.arch() != table.auditArch() || x32) {
            return RET_KILL_PROCESS;
        }
        String name = table.name(data.nr()).orElse(null);
        List<SeccompRule> rules = profile.rules().stream().filter(r -> r.syscall().equals(name)).toList();
        for (SeccompRule r : rules) {
            if (!r.conditions().isEmpty() && r.conditions().stream().allMatch(c -> holds(c, data.args()[c.index()]))) {
                return r.action().encoding();
            }
        }
        for (SeccompRule r : rules) {
            if (r.conditions().isEmpty()) {
                return r.action().encoding();
            }
        }
        return profile.defaultAction().encoding();
    }

    /** Unsigned 64-bit comparison of the argument with the condition's value. */
    static boolean holds(ArgCondition c, long arg) {
        int cmp = Long.compareUnsigned(arg, c.value());
        return switch (c.op()) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
            case MASKED_EQ -> (arg & c.mask()) == c.value();
        };
    }
}
