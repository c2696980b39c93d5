package dev.panamax.program;

import dev.panamax.sys.internal.SyscallTable;
import dev.panamax.trampoline.ProgramLayout;
import dev.panamax.trampoline.RelocatableImage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * A run of a child program's steps laid out in the format of {@link ProgramLayout}, with everything the
 * steps point to (strings, argv arrays, structs, buffers) in the same block. The block is position
 * independent until it is placed: every pointer word is recorded, so the same image can be put into this
 * process's memory ({@link #place}) or into the setup executable at a fixed address ({@link #writeAt}).
 *
 * <pre>{@code
 * ProgramImage stage = ProgramImage.encode(program, 0, program.steps().size(), errFd, -1, table, i -> false);
 * MemorySegment base = stage.place(arena);       // for the trampoline in this JVM
 * stage.writeAt(fileSegment, IMAGE_ADDRESS);     // for a setup executable
 * }</pre>
 */
public final class ProgramImage implements RelocatableImage {
    /** A syscall number no kernel has: the step fails with ENOSYS (used to inject faults in tests). */
    public static final int NO_SUCH_SYSCALL = 0xFFFF;

    private final byte[] bytes;
    private final long[] pointers;
    /** For each descriptor slot, the offsets of the words that hold it (see {@link #withDescriptors}). */
    private final long[][] slots;

    /** The slots' values (and last the error and status descriptors), or null: the bytes hold them. */
    private final long[] slotValues;

    private ProgramImage(byte[] bytes, long[] pointers, long[][] slots, long[] slotValues) {
        this.bytes = bytes;
        this.pointers = pointers;
        this.slots = slots;
        this.slotValues = slotValues;
    }

    /** The whole program in one image, placed in {@code arena}: what the trampoline runs (tests). */
    public static MemorySegment place(ChildProgram program, Arena arena, int errorFd, SyscallTable table) {
        return encode(program, 0, program.steps().size(), errorFd, -1, table, i -> false).place(arena);
    }

    /**
     * Steps {@code from} (inclusive) to {@code to} (exclusive) of {@code program}. A failure record names
     * the step by its index in the whole program. Each step for which {@code faulty} holds gets
     * {@link #NO_SUCH_SYSCALL} instead of its own number. The image is for {@code table}'s architecture: it
     * holds that architecture's syscall numbers, and its values of the words and structs that differ per
     * architecture ({@code O_DIRECTORY} on aarch64 is not x86-64's).
     *
     * @param statusFd where an init writes the command's wait status, or -1
     */
    public static ProgramImage encode(ChildProgram program, int from, int to, int errorFd, int statusFd,
                                      SyscallTable table, IntPredicate faulty) {
        return encode(program, from, to, errorFd, statusFd, table, faulty, List.of());
    }

    /**
     * As above, with each word argument that is (the same object as) one of {@code descriptors} recorded as a
     * slot, whose value {@link #withDescriptors} sets; the error and status descriptors in the header are
     * slots too. So a program compiled once with symbolic descriptors serves every launch of its spec.
     */
    static ProgramImage encode(ChildProgram program, int from, int to, int errorFd, int statusFd,
                               SyscallTable table, IntPredicate faulty, List<Arg.Word> descriptors) {
        List<Step> steps = program.steps().subList(from, to);
        Block block = new Block(descriptors, table.arch());
        long base = block.allocate(ProgramLayout.HEADER_SIZE + ProgramLayout.STEP_SIZE * steps.size(), 16);
        block.setLong(base + ProgramLayout.COUNT, to);
        block.setLong(base + ProgramLayout.ERROR_FD, errorFd);
        block.setLong(base + ProgramLayout.BLOCK_MASK, -1L);
        block.setLong(base + ProgramLayout.FIRST_STEP, from);
        block.setLong(base + ProgramLayout.STATUS_FD, statusFd);
        Map<String, List<Long>> consumers = new HashMap<>();
        Map<String, Long> producers = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            long at = base + ProgramLayout.HEADER_SIZE + ProgramLayout.STEP_SIZE * i;
            int nr = table.number(step.syscall()).orElseThrow(() -> new IllegalStateException(
                    "no system call named " + step.syscall() + " on this architecture"));
            block.setLong(at + ProgramLayout.STEP_NR, faulty.test(from + i) ? NO_SUCH_SYSCALL : nr);
            for (int a = 0; a < step.args().size(); a++) {
                long slot = at + ProgramLayout.argOffset(a);
                Arg arg = step.args().get(a);
                if (arg instanceof Arg.Result r) {
                    if (!producers.containsKey(r.label())) {
                        throw new IllegalArgumentException("step " + (from + i) + " uses " + r.label()
                                + ", saved by a step outside steps " + from + ".." + (to - 1));
                    }
                    consumers.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(slot);
                } else {
                    block.word(slot, arg);
                }
            }
            long flags = (step.expect().isPresent() ? ProgramLayout.FLAG_EXPECT : 0)
                    | (step.forksInit() ? ProgramLayout.FLAG_INIT_FORK : 0);
            block.setLong(at + ProgramLayout.STEP_FLAGS, flags);
            if (step.expect().isPresent()) {
                block.setLong(at + ProgramLayout.STEP_EXPECT, step.expect().getAsLong());
            }
            long mask = 0;
            for (int e : step.tolerated()) {
                mask |= 1L << e;
            }
            block.setLong(at + ProgramLayout.STEP_TOLERATED, mask);
            if (step.savesAs() != null) {
                producers.put(step.savesAs(), at);
            }
        }
        producers.forEach((label, at) -> {
            List<Long> targets = consumers.getOrDefault(label, List.of());
            long list = block.allocate(8L * (targets.size() + 1), 8);
            for (int k = 0; k < targets.size(); k++) {
                block.pointer(list + 8L * k, targets.get(k));
            }
            block.pointer(at + ProgramLayout.STEP_RESULT_DEST, list);
        });
        return block.image();
    }

    /**
     * This image with descriptor slot {@code k} (the {@code k}th word given to {@code encode}) holding
     * {@code values[k]}, and the header's error and status descriptors set: the bytes are shared, the values
     * go in when the image is written ({@link #writeAt}).
     */
    ProgramImage withDescriptors(long[] values, int errorFd, int statusFd) {
        long[] filled = Arrays.copyOf(values, values.length + 2);
        filled[values.length] = errorFd;
        filled[values.length + 1] = statusFd;
        return new ProgramImage(bytes, pointers, slots, filled);
    }

    /** The image's size in bytes. */
    @Override
    public int size() {
        return bytes.length;
    }

    /** A copy of the image in {@code arena}'s memory, relocated there; the program starts at its base. */
    public MemorySegment place(Arena arena) {
        MemorySegment segment = arena.allocate(bytes.length, 16);
        writeAt(segment, segment.address());
        return segment;
    }

    /** Copies the image into {@code target}, every pointer relocated as if the image lay at {@code address}. */
    @Override
    public void writeAt(MemorySegment target, long address) {
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, target, 0, bytes.length);
        for (long at : pointers) {
            target.set(ValueLayout.JAVA_LONG_UNALIGNED, at, target.get(ValueLayout.JAVA_LONG_UNALIGNED, at) + address);
        }
        if (slotValues != null) {
            for (int k = 0; k < slots.length; k++) {
                for (long at : slots[k]) {
                    target.set(ValueLayout.JAVA_LONG_UNALIGNED, at, slotValues[k]);
                }
            }
            // the header is the block's first allocation, at offset 0
            target.set(ValueLayout.JAVA_LONG_UNALIGNED, ProgramLayout.ERROR_FD, slotValues[slots.length]);
            target.set(ValueLayout.JAVA_LONG_UNALIGNED, ProgramLayout.STATUS_FD, slotValues[slots.length + 1]);
        }
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

    /** A growing block of little-endian words whose pointer words are offsets until the block is placed. */
    private static final class Block {
        private byte[] bytes = new byte[32768];
        private int size;
        private long[] pointers = new long[64];
        private int pointerCount;
        /** The descriptor words whose slots are recorded, by identity, and each one's offsets so far. */
        private final Map<Arg.Word, Integer> slotOf = new java.util.IdentityHashMap<>();
        private final List<List<Long>> slots = new ArrayList<>();

        /** The architecture the image is for: its words and structs take that architecture's values. */
        private final String arch;

        Block(List<Arg.Word> descriptors, String arch) {
            this.arch = arch;
            for (Arg.Word d : descriptors) {
                slotOf.putIfAbsent(d, slots.size());
                slots.add(new ArrayList<>());
            }
        }

        long allocate(long length, int alignment) {
            long at = (size + alignment - 1) & -alignment;
            long end = at + Math.max(length, 8);
            if (end > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("a child program image is limited to 2 GiB");
            }
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.max(end, 2L * bytes.length));
            }
            size = (int) end;
            return at;
        }

        void setLong(long at, long value) {
            MemorySegment.ofArray(bytes).set(ValueLayout.JAVA_LONG_UNALIGNED, at, value);
        }

        void pointer(long at, long target) {
            setLong(at, target);
            if (pointerCount == pointers.length) {
                pointers = Arrays.copyOf(pointers, 2 * pointerCount);
            }
            pointers[pointerCount++] = at;
        }

        void word(long at, Arg arg) {
            switch (arg) {
                case Arg.Word w -> {
                    setLong(at, w.value(arch));
                    Integer slot = slotOf.get(w);
                    if (slot != null) {
                        slots.get(slot).add(at);
                    }
                }
                default -> pointer(at, memory(arg));
            }
        }

        /** Lays out what a pointer argument points to; returns its offset. */
        private long memory(Arg arg) {
            return switch (arg) {
                case Arg.CString s -> string(s.value());
                case Arg.CStringArray array -> {
                    long list = allocate(8L * (array.values().size() + 1), 8);
                    for (int k = 0; k < array.values().size(); k++) {
                        pointer(list + 8L * k, string(array.values().get(k)));
                    }
                    yield list;
                }
                case Arg.Struct s -> copy(s.bytes(arch));
                case Arg.StructWithPointers s -> {
                    long struct = copy(s.bytes());
                    s.pointers().forEach((offset, target) -> pointer(struct + offset, memory(target)));
                    yield struct;
                }
                case Arg.Buffer b -> allocate(b.size(), 8);
                case Arg.Word w -> throw new AssertionError("a number is not memory: " + w);
                case Arg.Result r -> throw new AssertionError("results are wired, not written: " + r);
            };
        }

        private long string(String value) {
            return copy((value + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        private long copy(byte[] data) {
            long at = allocate(data.length, 8);
            System.arraycopy(data, 0, bytes, (int) at, data.length);
            return at;
        }

        ProgramImage image() {
            long[][] offsets = new long[slots.size()][];
            for (int k = 0; k < offsets.length; k++) {
                offsets[k] = slots.get(k).stream().mapToLong(Long::longValue).toArray();
            }
            return new ProgramImage(Arrays.copyOf(bytes, size), Arrays.copyOf(pointers, pointerCount), offsets, null);
        }
    }
}
