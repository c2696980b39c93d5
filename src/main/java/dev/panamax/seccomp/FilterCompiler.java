package dev.panamax.seccomp;

import static dev.panamax.seccomp.BpfInstruction.JEQ;
import static dev.panamax.seccomp.BpfInstruction.JGE;

import dev.panamax.seccomp.BpfAssembler.Label;
import dev.panamax.sys.internal.SyscallTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Compiles a {@link SeccompProfile} to classic BPF over {@code struct seccomp_data}.
 *
 * <p>Layout: check {@code arch}, reject x32 numbers (on x86-64), then a binary search on {@code nr} (JGE
 * splits down to short JEQ chains) that ends, per syscall, in its rule block; a block tests each
 * conditional rule in order and ends in the unconditional action or the default. The rules for calls
 * the architecture does not have are left out.
 */
final class FilterCompiler {

    /** Offsets in {@code struct seccomp_data}. */
    static final int OFF_NR = 0, OFF_ARCH = 4, OFF_IP = 8, OFF_ARGS = 16;
    /** {@code __X32_SYSCALL_BIT}: numbers at or above it are the x32 ABI, which has its own table. */
    static final int X32_SYSCALL_BIT = 0x40000000;
    /** The longest JEQ chain before the search splits again. */
    private static final int LEAF = 4;

    private record Group(int nr, List<SeccompRule> rules) {}

    private final BpfAssembler asm = new BpfAssembler();
    private final SeccompAction defaultAction;

    private FilterCompiler(SeccompAction defaultAction) {
        this.defaultAction = defaultAction;
    }

    static CompiledFilter compile(SeccompProfile profile, SyscallTable table) {
        List<Group> groups = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (Map.Entry<String, List<SeccompRule>> e : profile.evaluationOrder().entrySet()) {
            table.number(e.getKey()).ifPresentOrElse(nr -> groups.add(new Group(nr, e.getValue())),
                    () -> leftOut.add(e.getKey()));
        }
        groups.sort(Comparator.comparingInt(Group::nr));
        FilterCompiler c = new FilterCompiler(profile.defaultAction());
        c.prologue(table);
        c.search(groups);
        return new CompiledFilter(profile, table, c.asm.assemble(), leftOut);
    }

    /** Whether {@code table}'s architecture has the x32 ABI, whose numbers have {@link #X32_SYSCALL_BIT} set. */
    static boolean hasX32(SyscallTable table) {
        return table.arch().equals("x86_64");
    }

    private void prologue(SyscallTable table) {
        Label archOk = asm.label("arch ok");
        int kill = SeccompAction.KILL_PROCESS.encoding();
        asm.load(OFF_ARCH).jump(JEQ, table.auditArch(), archOk, BpfAssembler.NEXT).ret(kill).bind(archOk);
        asm.load(OFF_NR);
        if (hasX32(table)) {
            Label nrOk = asm.label("nr ok");
            asm.jump(JGE, X32_SYSCALL_BIT, BpfAssembler.NEXT, nrOk).ret(kill).bind(nrOk);
        }
    }

    /** A holds nr on entry; every path ends in RET. */
    private void search(List<Group> groups) {
        if (groups.size() <= LEAF) {
            for (Group g : groups) {
                Label other = asm.label("not " + g.nr());
                asm.jump(JEQ, g.nr(), BpfAssembler.NEXT, other);
                block(g.rules());
                asm.bind(other);
            }
            asm.ret(defaultAction.encoding());
            return;
        }
        int mid = groups.size() / 2;
        Label upper = asm.label("nr >= " + groups.get(mid).nr());
        asm.jump(JGE, groups.get(mid).nr(), upper, BpfAssembler.NEXT);
        search(groups.subList(0, mid));
        asm.bind(upper);
        search(groups.subList(mid, groups.size()));
    }

    private void block(List<SeccompRule> rules) {
        SeccompAction fallback = defaultAction;
        for (SeccompRule rule : rules) {
            if (!rule.conditional()) {
                fallback = rule.action();
                continue;
            }
            Label fail = asm.label("rule fails: " + rule.render());
            for (ArgCondition c : rule.conditions()) {
                new ConditionCompiler(asm, fail).emit(c);
            }
            asm.ret(rule.action().encoding());
            asm.bind(fail);
        }
        asm.ret(fallback.encoding());
    }
}
