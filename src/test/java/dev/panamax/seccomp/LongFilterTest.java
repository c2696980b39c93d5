package dev.panamax.seccomp;

import static dev.panamax.seccomp.FilterTesting.call;
import static dev.panamax.seccomp.FilterTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.seccomp.ClassicBpfInterpreter.SeccompData;
import dev.panamax.sys.internal.SyscallTable;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Filters long enough that jumps span more than 255 instructions. */
class LongFilterTest {

    private static final List<String> ALL = List.copyOf(SyscallTable.nativeTable().all().keySet());

    /** Every syscall of the table with an unconditional rule, two thirds also with a conditional one. */
    private static SeccompProfile hundredsOfRules() {
        var b = SeccompProfile.builder(SeccompAction.ENOSYS);
        int i = 0;
        for (String s : ALL) {
            if (i % 3 == 0) {
                b.rule(s, SeccompAction.errno(i % 4096), ArgCondition.gt(i % 6, 0x1_0000_0000L + i));
            } else if (i % 3 == 1) {
                b.rule(s, SeccompAction.TRAP, ArgCondition.maskedEq(i % 6, 0xff00ff00ff00L, 0x1100000011L << 8));
            }
            b.rule(s, i % 2 == 0 ? SeccompAction.ALLOW : SeccompAction.LOG);
            i++;
        }
        return b.build();
    }

    @Test
    void hundredsOfRulesNeedTrampolinesAndStillEvaluateRight() {
        SeccompProfile profile = hundredsOfRules();
        CompiledFilter filter = profile.compile();
        assertTrue(profile.rules().size() > 500, "rules: " + profile.rules().size());
        assertTrue(filter.length() > 1500 && filter.length() <= 4096, "length " + filter.length());
        assertTrue(filter.disassemble().lines().anyMatch(l -> l.matches("\\s*\\d+: ja \\d+.*")),
                "a jump beyond 255 instructions was routed through a JA trampoline");
        var bpf = new ClassicBpfInterpreter(filter.bytes()); // verifies every offset is in range
        Random random = new Random(7);
        for (int nr = -1; nr < 520; nr++) {
            for (int t = 0; t < 8; t++) {
                long[] args = new long[6];
                for (int a = 0; a < 6; a++) {
                    args[a] = switch (random.nextInt(4)) {
                        case 0 -> random.nextLong();
                        case 1 -> 0x1_0000_0000L + random.nextInt(600);
                        case 2 -> (0x1100000011L << 8) | (random.nextLong() & ~0xff00ff00ff00L);
                        default -> random.nextInt(3);
                    };
                }
                var data = new SeccompData(nr, FilterSemantics.AUDIT_ARCH_X86_64, 0, args);
                assertEquals(FilterSemantics.expected(profile, data), bpf.run(data), "nr " + nr);
            }
        }
    }

    @Property(tries = 30)
    void longRandomProfilesEvaluateRight(@ForAll @IntRange(min = 200, max = 360) int count,
            @ForAll long seed) {
        Random random = new Random(seed);
        var b = SeccompProfile.builder(SeccompAction.ALLOW);
        var seen = new java.util.HashSet<SeccompRule>();
        for (int i = 0; i < count; i++) {
            String s = ALL.get(random.nextInt(ALL.size()));
            var rule = SeccompRule.of(s, SeccompAction.EPERM, ArgCondition.eq(random.nextInt(6), random.nextInt(4)),
                    ArgCondition.ne(random.nextInt(6), random.nextInt(4)));
            if (seen.add(rule)) { // same conditions with another errno would be a conflict
                b.rule(s, SeccompAction.errno(1 + random.nextInt(100)), rule.conditions().toArray(ArgCondition[]::new));
            }
        }
        SeccompProfile profile = b.build();
        CompiledFilter filter = profile.compile();
        var bpf = new ClassicBpfInterpreter(filter.bytes());
        for (int i = 0; i < 2000; i++) {
            long[] args = new long[6];
            for (int a = 0; a < 6; a++) {
                args[a] = random.nextInt(4);
            }
            var data = new SeccompData(random.nextInt(460), FilterSemantics.AUDIT_ARCH_X86_64, 0, args);
            assertEquals(FilterSemantics.expected(profile, data), bpf.run(data));
        }
    }

    @Test
    void filtersOverTheKernelLimitAreRejected() {
        var b = SeccompProfile.builder(SeccompAction.ALLOW);
        for (String s : ALL) {
            for (int i = 0; i < 6; i++) {
                b.rule(s, SeccompAction.EPERM, ArgCondition.eq(i, i));
            }
        }
        var e = assertThrows(dev.panamax.spec.InvalidSpecException.class, () -> b.build().compile());
        assertTrue(e.getMessage().contains("at most 4096 (BPF_MAXINSNS)"), e.getMessage());
    }

    @Test
    void singleSyscallBlockLongerThan255() {
        var b = SeccompProfile.builder(SeccompAction.ALLOW);
        for (int i = 0; i < 120; i++) {
            b.rule("ioctl", SeccompAction.errno(i + 1), ArgCondition.eq(1, 0x5400 + i));
        }
        SeccompProfile profile = b.rule("ioctl", SeccompAction.KILL_THREAD).build();
        CompiledFilter filter = profile.compile();
        assertTrue(filter.length() > 255 * 2);
        for (int i = 0; i < 130; i++) {
            var data = call("ioctl", 3, 0x5400 + i);
            assertEquals(FilterSemantics.expected(profile, data), run(filter, data));
        }
        assertEquals(0x7fff0000, run(filter, call("read")));
    }
}
