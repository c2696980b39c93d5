package dev.panamax.seccomp;

import java.util.ArrayList;
import java.util.List;

/**
 * Assembles classic BPF with symbolic jump targets.
 *
 * <p>Conditional jumps have 8-bit offsets. When a target is more than 255 instructions away, the
 * assembler puts an unconditional {@code JA} (32-bit offset) right after the jump and points that
 * side of the jump at it. Inserting code there is safe because control never falls through a
 * conditional jump. Layout repeats until no offset overflows; insertions only lengthen distances,
 * and each side gets at most one trampoline, so it terminates.
 */
final class BpfAssembler {

    /** A jump target; bound to exactly one position. */
    static final class Label {
        private final String name;
        private boolean bound;
        private int position;

        private Label(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Target meaning "the instruction after this jump". */
    static final Label NEXT = new Label("next");

    private sealed interface Item permits Stmt, Cond, Goto, Bind {}

    private record Stmt(int code, int k) implements Item {}

    private record Goto(Label target) implements Item {}

    private record Bind(Label label) implements Item {}

    private static final class Cond implements Item {
        final int code;
        final int k;
        final Label onTrue;
        final Label onFalse;
        boolean farTrue;
        boolean farFalse;

        Cond(int code, int k, Label onTrue, Label onFalse) {
            this.code = code;
            this.k = k;
            this.onTrue = onTrue;
            this.onFalse = onFalse;
        }

        int size() {
            return 1 + (farTrue ? 1 : 0) + (farFalse ? 1 : 0);
        }
    }

    private final List<Item> items = new ArrayList<>();

    Label label(String name) {
        return new Label(name);
    }

    BpfAssembler bind(Label label) {
        if (label == NEXT || label.bound) {
            throw new IllegalStateException("label " + label + " is bound twice");
        }
        label.bound = true;
        items.add(new Bind(label));
        return this;
    }

    BpfAssembler stmt(int code, int k) {
        if ((code & 0x07) == BpfInstruction.JMP) {
            throw new IllegalArgumentException("jumps need labels: use jump() or ja()");
        }
        items.add(new Stmt(code, k));
        return this;
    }

    /** {@code A = seccomp_data[offset]} (32-bit load). */
    BpfAssembler load(int offset) {
        return stmt(BpfInstruction.LD | BpfInstruction.W | BpfInstruction.ABS, offset);
    }

    BpfAssembler ret(int k) {
        return stmt(BpfInstruction.RET | BpfInstruction.K, k);
    }

    /** Conditional jump comparing A with {@code k}; {@code op} is one of JEQ, JGT, JGE, JSET. */
    BpfAssembler jump(int op, int k, Label onTrue, Label onFalse) {
        items.add(new Cond(BpfInstruction.JMP | op | BpfInstruction.K, k, onTrue, onFalse));
        return this;
    }

    BpfAssembler ja(Label target) {
        items.add(new Goto(target));
        return this;
    }

    List<BpfInstruction> assemble() {
        while (layout()) {
            // a trampoline was added: lay out again
        }
        List<BpfInstruction> out = new ArrayList<>();
        for (Item item : items) {
            int pc = out.size();
            switch (item) {
                case Stmt s -> out.add(BpfInstruction.stmt(s.code(), s.k()));
                case Goto g -> out.add(BpfInstruction.stmt(BpfInstruction.JMP | BpfInstruction.JA,
                        offset(g.target(), pc, pc + 1)));
                case Bind b -> { }
                case Cond c -> {
                    int next = pc + c.size();
                    int tramp = pc + 1;
                    int jt = c.farTrue ? tramp++ - (pc + 1) : offset(c.onTrue, pc, next);
                    int jf = c.farFalse ? tramp - (pc + 1) : offset(c.onFalse, pc, next);
                    out.add(BpfInstruction.jump(c.code, c.k, jt, jf));
                    if (c.farTrue) {
                        out.add(BpfInstruction.stmt(BpfInstruction.JMP | BpfInstruction.JA,
                                offset(c.onTrue, out.size(), next)));
                    }
                    if (c.farFalse) {
                        out.add(BpfInstruction.stmt(BpfInstruction.JMP | BpfInstruction.JA,
                                offset(c.onFalse, out.size(), next)));
                    }
                }
            }
        }
        return out;
    }

    /** Assigns positions; returns whether a jump needed a new trampoline. */
    private boolean layout() {
        int pc = 0;
        for (Item item : items) {
            switch (item) {
                case Bind b -> b.label().position = pc;
                case Cond c -> pc += c.size();
                case Stmt s -> pc++;
                case Goto g -> pc++;
            }
        }
        boolean changed = false;
        pc = 0;
        for (Item item : items) {
            if (item instanceof Cond c) {
                // decide on this pass's positions; the next pass accounts for new trampolines
                int size = c.size();
                int next = pc + size;
                if (!c.farTrue && offset(c.onTrue, pc, next) > 255) {
                    c.farTrue = changed = true;
                }
                if (!c.farFalse && offset(c.onFalse, pc, next) > 255) {
                    c.farFalse = changed = true;
                }
                pc += size;
            } else if (!(item instanceof Bind)) {
                pc++;
            }
        }
        return changed;
    }

    /** Offset from the instruction at {@code pc} to {@code target}; {@code next} is where NEXT points. */
    private static int offset(Label target, int pc, int next) {
        if (target != NEXT && !target.bound) {
            throw new IllegalStateException("label " + target + " is never bound");
        }
        int to = target == NEXT ? next : target.position;
        if (to <= pc) {
            throw new IllegalStateException("jump at " + pc + " to label " + target + " at " + to
                    + " goes backward; classic BPF jumps only forward");
        }
        return to - (pc + 1);
    }
}
