package dev.panamax.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.seccomp.ClassicBpfInterpreter.SeccompData;
import dev.panamax.sys.internal.SyscallTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random profiles, compiled for x86-64 and for arm64 and run through an independent BPF interpreter, give the
 * reference action.
 */
class CompiledFilterPropertiesTest {

    private static final SyscallTable X86_64 = SyscallTable.forOsArch("x86_64");
    private static final SyscallTable ARM64 = SyscallTable.forOsArch("aarch64");
    /** x86-64's names: all of arm64's and the calls arm64 lacks, whose rules its filter leaves out. */
    private static final List<String> NAMES = List.copyOf(X86_64.all().keySet());
    private static final List<Long> EDGES = List.of(0L, 1L, 2L, 0x7fffffffL, 0x80000000L, 0xfffffffeL, 0xffffffffL,
        0x100000000L, 0x100000001L, 0x1ffffffffL, 0x8000000000000000L, Long.MAX_VALUE, -2L, -1L, 0x10000000L);

    record Case(SeccompProfile profile, SyscallTable table, List<SeccompData> inputs) {}

    @Property(tries = 300)
    void compiledFilterGivesTheReferenceAction(@ForAll("cases") Case c) {
        check(c);
    }

    @Property(tries = 200)
    void anArm64FilterGivesTheReferenceAction(@ForAll("arm64Cases") Case c) {
        check(c);
    }

    private static void check(Case c) {
        CompiledFilter filter = c.profile().compile(c.table().arch());
        var bpf = new ClassicBpfInterpreter(filter.bytes());
        assertEquals(filter.length(), bpf.length());
        for (SeccompData d : c.inputs()) {
            int want = FilterSemantics.expected(c.profile(), c.table(), d);
            int got = bpf.run(d);
            assertEquals(want, got, () -> "input nr=" + d.nr() + " arch=0x" + Integer.toHexString(d.arch())
                    + " args=" + java.util.Arrays.toString(d.args()) + "\n" + filter.render());
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return cases(X86_64);
    }

    @Provide
    Arbitrary<Case> arm64Cases() {
        return cases(ARM64);
    }

    private Arbitrary<Case> cases(SyscallTable table) {
        return profiles().flatMap(p -> inputs(p, table).list().ofMinSize(20).ofMaxSize(60)
                .map(in -> new Case(p, table, in)));
    }

    Arbitrary<SeccompProfile> profiles() {
        Arbitrary<List<String>> pool = Arbitraries.of(NAMES).list().uniqueElements().ofMinSize(1).ofMaxSize(10);
        return pool.flatMap(names -> Combinators.combine(actions(), rule(names).list().ofMaxSize(30))
                .as(CompiledFilterPropertiesTest::build));
    }

    private static SeccompProfile build(SeccompAction defaultAction, List<SeccompRule> rules) {
        var b = SeccompProfile.builder(defaultAction);
        Set<Object> seen = new HashSet<>();
        for (SeccompRule r : rules) {
            // identical conditions with another action is a build error, tested elsewhere
            if (seen.add(List.of(r.syscall(), Set.copyOf(r.conditions())))) {
                b.rule(r);
            }
        }
        return b.build();
    }

    Arbitrary<SeccompRule> rule(List<String> names) {
        Arbitrary<List<ArgCondition>> conditions = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(List.<ArgCondition>of())),
                Tuple.of(3, condition().list().ofMinSize(1).ofMaxSize(3)));
        return Combinators.combine(Arbitraries.of(names), actions(), conditions).as(SeccompRule::new);
    }

    Arbitrary<SeccompAction> actions() {
        return Arbitraries.oneOf(
                Arbitraries.of(SeccompAction.ALLOW, SeccompAction.KILL_PROCESS, SeccompAction.KILL_THREAD,
                        SeccompAction.TRAP, SeccompAction.LOG, SeccompAction.EPERM, SeccompAction.ENOSYS),
                Arbitraries.integers().between(0, 4095).map(SeccompAction::errno));
    }

    Arbitrary<Long> values() {
        return Arbitraries.oneOf(Arbitraries.of(EDGES), Arbitraries.longs(),
                Arbitraries.longs().between(0, 300));
    }

    Arbitrary<ArgCondition> condition() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 5);
        Arbitrary<ArgCondition> compare = Combinators.combine(index,
                Arbitraries.of(ArgCondition.Op.EQ, ArgCondition.Op.NE, ArgCondition.Op.LT, ArgCondition.Op.LE,
                        ArgCondition.Op.GT, ArgCondition.Op.GE), values())
                .as((i, op, v) -> new ArgCondition(i, op, 0, v));
        Arbitrary<ArgCondition> masked = Combinators.combine(index, values(), values())
                .as((i, mask, bits) -> ArgCondition.maskedEq(i, mask, bits & mask));
        return Arbitraries.oneOf(compare, masked);
    }

    /** Mostly the profile's syscalls (those {@code table} has) with arguments at and next to the condition values. */
    Arbitrary<SeccompData> inputs(SeccompProfile p, SyscallTable table) {
        List<Integer> numbers = new ArrayList<>();
        Set<Long> near = new HashSet<>(EDGES);
        for (SeccompRule r : p.rules()) {
            table.number(r.syscall()).ifPresent(numbers::add);
            for (ArgCondition c : r.conditions()) {
                for (long v : new long[] {c.value(), c.value() - 1, c.value() + 1, c.value() ^ (1L << 32),
                        c.value() | ~c.mask(), c.value() ^ Long.lowestOneBit(c.mask())}) {
                    near.add(v);
                }
            }
        }
        Arbitrary<Integer> nr = numbers.isEmpty() ? Arbitraries.integers().between(0, 500)
                : Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(numbers)),
                        Tuple.of(1, Arbitraries.integers().between(0, 500)),
                        Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> arch = Arbitraries.frequencyOf(Tuple.of(19, Arbitraries.just(table.auditArch())),
                Tuple.of(1, Arbitraries.of(0x40000003, 0xC00000B7, 0xC000003E, 0x40000028, 0x4000003E, 0)));
        Arbitrary<Long> arg = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(List.copyOf(near))),
                Tuple.of(1, Arbitraries.longs()));
        return Combinators.combine(nr, arch, Arbitraries.longs(), arg.array(long[].class).ofSize(6))
                .as(SeccompData::new);
    }
}
