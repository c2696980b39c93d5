package dev.panamax.program;

import dev.panamax.sys.internal.SyscallTable;
import dev.panamax.trampoline.ProgramLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A child program laid out in native memory, in the format of {@link ProgramLayout}. Everything it points
 * to (strings, argv arrays, structs, buffers) is allocated in the same arena, so the whole image lives
 * exactly as long as the launch that owns it.
 */
public final class ProgramImage {
    private final ChildProgram program;
    private final MemorySegment base;

    private ProgramImage(ChildProgram program, MemorySegment base) {
        this.program = program;
        this.base = base;
    }

    /** A syscall number no kernel has: the step fails with ENOSYS (used to inject faults in tests). */
    public static final int NO_SUCH_SYSCALL = 0xFFFF;

    public static ProgramImage encode(ChildProgram program, Arena arena, int errorFd, SyscallTable table) {
        return encode(program, arena, errorFd, table, i -> false);
    }

    /** As above; each step for which {@code faulty} holds gets {@link #NO_SUCH_SYSCALL} instead. */
    public static ProgramImage encode(ChildProgram program, Arena arena, int errorFd, SyscallTable table,
                               java.util.function.IntPredicate faulty) {
        List<Step> steps = program.steps();
        MemorySegment base = arena.allocate(ProgramLayout.HEADER_SIZE + ProgramLayout.STEP_SIZE * steps.size(), 16);
        base.set(ValueLayout.JAVA_LONG, ProgramLayout.COUNT, steps.size());
        base.set(ValueLayout.JAVA_LONG, ProgramLayout.ERROR_FD, errorFd);
        base.set(ValueLayout.JAVA_LONG, ProgramLayout.BLOCK_MASK, -1L);
        Map<String, List<Long>> consumers = new HashMap<>();
        Map<String, Long> producers = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            long at = stepOffset(i);
            int nr = table.number(step.syscall()).orElseThrow(() -> new IllegalStateException(
                    "no system call named " + step.syscall() + " on this architecture"));
            base.set(ValueLayout.JAVA_LONG, at + ProgramLayout.STEP_NR, faulty.test(i) ? NO_SUCH_SYSCALL : nr);
            for (int a = 0; a < step.args().size(); a++) {
                long slot = at + ProgramLayout.argOffset(a);
                Arg arg = step.args().get(a);
                if (arg instanceof Arg.Result r) {
                    consumers.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(base.address() + slot);
                } else {
                    base.set(ValueLayout.JAVA_LONG, slot, word(arg, arena));
                }
            }
            if (step.expect().isPresent()) {
                base.set(ValueLayout.JAVA_LONG, at + ProgramLayout.STEP_FLAGS, ProgramLayout.FLAG_EXPECT);
                base.set(ValueLayout.JAVA_LONG, at + ProgramLayout.STEP_EXPECT, step.expect().getAsLong());
            }
            long mask = 0;
            for (int e : step.tolerated()) {
                mask |= 1L << e;
            }
            base.set(ValueLayout.JAVA_LONG, at + ProgramLayout.STEP_TOLERATED, mask);
            if (step.savesAs() != null) {
                producers.put(step.savesAs(), at);
            }
        }
        producers.forEach((label, at) -> {
            List<Long> targets = consumers.getOrDefault(label, List.of());
            MemorySegment list = arena.allocate(8L * (targets.size() + 1), 8);
            for (int k = 0; k < targets.size(); k++) {
                list.setAtIndex(ValueLayout.JAVA_LONG, k, targets.get(k));
            }
            base.set(ValueLayout.JAVA_LONG, at + ProgramLayout.STEP_RESULT_DEST, list.address());
        });
        return new ProgramImage(program, base);
    }

    private static long word(Arg arg, Arena arena) {
        return switch (arg) {
            case Arg.Word w -> w.value();
            case Arg.CString s -> arena.allocateFrom(s.value()).address();
            case Arg.CStringArray array -> {
                MemorySegment pointers = arena.allocate(8L * (array.values().size() + 1), 8);
                for (int k = 0; k < array.values().size(); k++) {
                    pointers.setAtIndex(ValueLayout.JAVA_LONG, k, arena.allocateFrom(array.values().get(k)).address());
                }
                yield pointers.address();
            }
            case Arg.Struct s -> {
                MemorySegment bytes = arena.allocate(Math.max(8, s.bytes().length), 8);
                MemorySegment.copy(MemorySegment.ofArray(s.bytes()), 0, bytes, 0, s.bytes().length);
                yield bytes.address();
            }
            case Arg.StructWithPointers s -> {
                MemorySegment bytes = arena.allocate(Math.max(8, s.bytes().length), 8);
                MemorySegment.copy(MemorySegment.ofArray(s.bytes()), 0, bytes, 0, s.bytes().length);
                s.pointers().forEach((offset, target) -> bytes.set(ValueLayout.JAVA_LONG, offset, word(target, arena)));
                yield bytes.address();
            }
            case Arg.Buffer b -> arena.allocate(Math.max(8, b.size()), 8).address();
            case Arg.Result r -> throw new AssertionError("results are wired, not written: " + r);
        };
    }

    private static long stepOffset(int i) {
        return ProgramLayout.HEADER_SIZE + ProgramLayout.STEP_SIZE * i;
    }

    public MemorySegment base() {
        return base;
    }

    public ChildProgram program() {
        return program;
    }

    /** The failure the child reported, given the 16 record bytes it wrote to the error pipe. */
    public static StepFailure decode(ChildProgram program, MemorySegment record) {
        int index = record.get(ValueLayout.JAVA_INT, 0);
        int errno = record.get(ValueLayout.JAVA_INT, 4);
        long result = record.get(ValueLayout.JAVA_LONG, 8);
        Step step = index < program.steps().size() ? program.steps().get(index) : null;
        return new StepFailure(index, step, errno, result);
    }

    /**
     * A failed step as the child reported it.
     *
     * @param step   the step, or null when the program ended without an execve succeeding
     * @param errno  the error number, or 0 when the step returned an unexpected value
     * @param result the raw result word of the system call
     */
    public record StepFailure(int index, Step step, int errno, long result) {
    }
}
