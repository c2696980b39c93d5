package dev.panamax.seccomp;

import static dev.panamax.seccomp.BpfInstruction.A;
import static dev.panamax.seccomp.BpfInstruction.ABS;
import static dev.panamax.seccomp.BpfInstruction.ALU;
import static dev.panamax.seccomp.BpfInstruction.JA;
import static dev.panamax.seccomp.BpfInstruction.JMP;
import static dev.panamax.seccomp.BpfInstruction.LD;
import static dev.panamax.seccomp.BpfInstruction.RET;

import dev.panamax.sys.internal.SyscallTable;

import java.util.List;
import java.util.Map;

/**
 * Prints classic BPF in the style of {@code bpf_dbg}, annotated for seccomp: which field a load
 * reads, which syscall a comparison with {@code nr} names, which action a return is.
 */
final class Disassembler {

    private static final Map<Integer, String> JUMPS = Map.of(0x10, "jeq", 0x20, "jgt", 0x30, "jge", 0x40, "jset");
    private static final Map<Integer, String> ALU_OPS = Map.ofEntries(Map.entry(0x00, "add"), Map.entry(0x10, "sub"),
            Map.entry(0x20, "mul"), Map.entry(0x30, "div"), Map.entry(0x40, "or"), Map.entry(0x50, "and"),
            Map.entry(0x60, "lsh"), Map.entry(0x70, "rsh"), Map.entry(0x80, "neg"), Map.entry(0x90, "mod"),
            Map.entry(0xa0, "xor"));
    private static final String UNKNOWN = "?";

    private Disassembler() {
    }

    static String disassemble(List<BpfInstruction> program, SyscallTable table) {
        String[] loaded = accumulatorContents(program);
        StringBuilder sb = new StringBuilder();
        for (int pc = 0; pc < program.size(); pc++) {
            BpfInstruction i = program.get(pc);
            String text = text(i, pc);
            String note = note(i, loaded[pc], table);
            sb.append(String.format("%4d: %-36s%s", pc, text, note.isEmpty() ? "" : "; " + note).stripTrailing())
                    .append('\n');
        }
        return sb.toString();
    }

    private static String text(BpfInstruction i, int pc) {
        int op = i.code() & 0xf0;
        return switch (i.instructionClass()) {
            case LD -> (i.code() & 0xe0) == ABS ? "ld [" + i.k() + "]" : "ld 0x" + Integer.toHexString(i.code());
            case ALU -> ALU_OPS.getOrDefault(op, "alu?") + " #" + ArgCondition.hex(Integer.toUnsignedLong(i.k()));
            case RET -> (i.code() & 0x18) == A ? "ret a" : "ret #" + ArgCondition.hex(Integer.toUnsignedLong(i.k()));
            case JMP -> op == JA ? "ja " + (pc + 1 + i.k())
                    : JUMPS.getOrDefault(op, "j?") + " #" + ArgCondition.hex(Integer.toUnsignedLong(i.k()))
                    + " jt " + (pc + 1 + i.jt()) + " jf " + (pc + 1 + i.jf());
            default -> "code 0x" + Integer.toHexString(i.code()) + " k " + i.k();
        };
    }

    private static String note(BpfInstruction i, String accumulator, SyscallTable table) {
        return switch (i.instructionClass()) {
            case LD -> (i.code() & 0xe0) == ABS ? field(i.k()) : "";
            case RET -> (i.code() & 0x18) == A ? "" : action(i.k());
            case JMP -> (i.code() & 0xf0) != JA && "nr".equals(accumulator)
                    ? table.name(i.k()).orElse("") : "";
            default -> "";
        };
    }

    /** What A holds before each instruction: a seccomp_data field name, or "?" where paths disagree. */
    private static String[] accumulatorContents(List<BpfInstruction> program) {
        String[] before = new String[program.size()];
        if (before.length > 0) {
            before[0] = UNKNOWN;
        }
        for (int pc = 0; pc < program.size(); pc++) {
            BpfInstruction i = program.get(pc);
            String in = before[pc] == null ? UNKNOWN : before[pc];
            String out = switch (i.instructionClass()) {
                case LD -> (i.code() & 0xe0) == ABS ? field(i.k()) : UNKNOWN;
                case ALU -> UNKNOWN;
                default -> in;
            };
            if (i.instructionClass() == RET) {
                continue;
            }
            if (i.instructionClass() == JMP) {
                if ((i.code() & 0xf0) == JA) {
                    merge(before, pc + 1 + i.k(), out);
                } else {
                    merge(before, pc + 1 + i.jt(), out);
                    merge(before, pc + 1 + i.jf(), out);
                }
            } else {
                merge(before, pc + 1, out);
            }
        }
        return before;
    }

    private static void merge(String[] before, int target, String value) {
        if (target < before.length) {
            before[target] = before[target] == null || before[target].equals(value) ? value : UNKNOWN;
        }
    }

    private static String field(int offset) {
        if (offset == FilterCompiler.OFF_NR) {
            return "nr";
        }
        if (offset == FilterCompiler.OFF_ARCH) {
            return "arch";
        }
        if (offset == FilterCompiler.OFF_IP || offset == FilterCompiler.OFF_IP + 4) {
            return offset == FilterCompiler.OFF_IP ? "instruction_pointer (low)" : "instruction_pointer (high)";
        }
        int arg = (offset - FilterCompiler.OFF_ARGS) / 8;
        if (arg >= 0 && arg <= ArgCondition.MAX_INDEX) {
            return "args[" + arg + "] " + ((offset - FilterCompiler.OFF_ARGS) % 8 == 0 ? "(low)" : "(high)");
        }
        return "offset " + offset;
    }

    /** The actions without data: their encodings are the only place their values are written. */
    private static final List<SeccompAction> FIXED_ACTIONS = List.of(SeccompAction.ALLOW,
            SeccompAction.KILL_PROCESS, SeccompAction.KILL_THREAD, SeccompAction.TRAP, SeccompAction.LOG);

    private static String action(int k) {
        int action = k & 0xffff0000; // SECCOMP_RET_ACTION_FULL
        if (action == SeccompAction.errno(0).encoding()) {
            return new SeccompAction.Errno(k & 0xffff).render();
        }
        return FIXED_ACTIONS.stream().filter(a -> a.encoding() == action).findFirst().map(SeccompAction::render)
                .orElse("action " + ArgCondition.hex(Integer.toUnsignedLong(k)));
    }
}
