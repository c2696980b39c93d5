package dev.panamax.seccomp;

import static dev.panamax.seccomp.BpfAssembler.NEXT;
import static dev.panamax.seccomp.BpfInstruction.ALU;
import static dev.panamax.seccomp.BpfInstruction.AND;
import static dev.panamax.seccomp.BpfInstruction.JEQ;
import static dev.panamax.seccomp.BpfInstruction.JGE;
import static dev.panamax.seccomp.BpfInstruction.JGT;
import static dev.panamax.seccomp.BpfInstruction.K;

import dev.panamax.seccomp.BpfAssembler.Label;

/**
 * Emits the test of one {@link ArgCondition}: falls through when it holds, jumps to {@code fail}
 * otherwise. Classic BPF compares 32-bit words, so a 64-bit unsigned comparison is made of the
 * high halves first and the low halves only when the high halves are equal. Arguments are
 * little-endian: the low half is at {@code args[i]}, the high half 4 bytes later.
 */
final class ConditionCompiler {

    private final BpfAssembler asm;
    private final Label fail;

    ConditionCompiler(BpfAssembler asm, Label fail) {
        this.asm = asm;
        this.fail = fail;
    }

    void emit(ArgCondition c) {
        int lo = FilterCompiler.OFF_ARGS + 8 * c.index();
        int hi = lo + 4;
        int vlo = (int) c.value();
        int vhi = (int) (c.value() >>> 32);
        switch (c.op()) {
            case EQ -> {
                asm.load(hi).jump(JEQ, vhi, NEXT, fail);
                asm.load(lo).jump(JEQ, vlo, NEXT, fail);
            }
            case NE -> {
                Label pass = asm.label("ne holds");
                asm.load(hi).jump(JEQ, vhi, NEXT, pass);
                asm.load(lo).jump(JEQ, vlo, fail, pass);
                asm.bind(pass);
            }
            // a > v and a >= v hold on "yes"; a < v is !(a >= v) and a <= v is !(a > v)
            case GT -> compare(JGT, hi, lo, vhi, vlo, true);
            case GE -> compare(JGE, hi, lo, vhi, vlo, true);
            case LT -> compare(JGE, hi, lo, vhi, vlo, false);
            case LE -> compare(JGT, hi, lo, vhi, vlo, false);
            case MASKED_EQ -> {
                maskedHalf(hi, (int) (c.mask() >>> 32), vhi);
                maskedHalf(lo, (int) c.mask(), vlo);
            }
        }
    }

    /**
     * Unsigned {@code a > v} ({@code lowOp} JGT) or {@code a >= v} (JGE), decided by the high halves
     * unless they are equal; the condition holds when that result equals {@code holdsWhen}.
     */
    private void compare(int lowOp, int hi, int lo, int vhi, int vlo, boolean holdsWhen) {
        Label pass = asm.label("condition holds");
        Label yes = holdsWhen ? pass : fail;
        Label no = holdsWhen ? fail : pass;
        asm.load(hi).jump(JGT, vhi, yes, NEXT);
        asm.jump(JEQ, vhi, NEXT, no);
        asm.load(lo).jump(lowOp, vlo, yes, no);
        asm.bind(pass);
    }

    private void maskedHalf(int offset, int mask, int value) {
        if (mask == 0) {
            return; // value's half is 0 too (checked by ArgCondition): always holds
        }
        asm.load(offset);
        if (mask != -1) {
            asm.stmt(ALU | AND | K, mask);
        }
        asm.jump(JEQ, value, NEXT, fail);
    }
}
