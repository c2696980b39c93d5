package dev.panamax.seccomp;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.internal.SyscallTable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A seccomp profile compiled to classic BPF, ready for
 * {@code seccomp(SECCOMP_SET_MODE_FILTER, 0, &(struct sock_fprog){length(), bytes()})}.
 *
 * <pre>{@code
 * CompiledFilter f = SeccompProfile.defaultProfile().compile();
 * byte[] prog = f.bytes();              // f.length() * 8 bytes of struct sock_filter
 * System.out.println(f.render());       // "mount -> ERRNO(EPERM)" ...
 * System.out.println(f.disassemble());  // "   0: ld [4]  ; arch" ...
 * }</pre>
 */
public final class CompiledFilter {

    /** {@code BPF_MAXINSNS}: the kernel rejects longer filters. */
    public static final int MAX_INSTRUCTIONS = 4096;

    private final SeccompProfile profile;
    private final SyscallTable table;
    private final List<BpfInstruction> instructions;
    private final List<String> leftOut;
    private volatile String rendered;

    CompiledFilter(SeccompProfile profile, SyscallTable table, List<BpfInstruction> instructions,
                   List<String> leftOut) {
        if (instructions.size() > MAX_INSTRUCTIONS) {
            throw new InvalidSpecException("seccomp", "seccomp filter has " + instructions.size()
                    + " instructions; the kernel accepts at most " + MAX_INSTRUCTIONS + " (BPF_MAXINSNS): "
                    + profile.rules().size() + " rules are too many");
        }
        this.profile = profile;
        this.table = table;
        this.instructions = List.copyOf(instructions);
        this.leftOut = List.copyOf(leftOut);
    }

    /** {@return the profile this filter was compiled from} */
    public SeccompProfile profile() {
        return profile;
    }

    /** {@return the architecture it is for, as {@code uname -m} names it: {@code x86_64} or {@code aarch64}} */
    public String architecture() {
        return table.arch();
    }

    /**
     * {@return the calls the profile has rules for that this architecture does not have (on arm64 the default
     * profile's {@code iopl}, {@code ioperm}, ...), in the profile's order; their rules are left out}
     */
    public List<String> leftOut() {
        return leftOut;
    }

    /** {@return the instructions as an array of {@code struct sock_filter}, little-endian, 8 bytes each} */
    public byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(instructions.size() * BpfInstruction.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        instructions.forEach(i -> i.writeTo(out));
        return out.array();
    }

    /** {@return the number of instructions ({@code sock_fprog.len}), at most {@link #MAX_INSTRUCTIONS}} */
    public int length() {
        return instructions.size();
    }

    /**
     * The filter as rules, one line per rule in evaluation order:
     * <pre>
     * arch != x86_64 -> KILL_PROCESS
     * nr >= 0x40000000 (x32 ABI) -> KILL_PROCESS
     * clone if (arg0 &amp; 0x10000000) == 0x10000000 -> ERRNO(EPERM)
     * mount -> ERRNO(EPERM)
     * default -> ALLOW
     * </pre>
     * The x32 line is x86-64's only; a last line names the {@link #leftOut()} calls, if any
     * ({@code not on aarch64, left out: iopl, ioperm}).
     *
     * @return the rules, one per line
     */
    public String render() {
        String text = rendered;
        if (text == null) {
            text = rendered = renderRules();
        }
        return text;
    }

    private String renderRules() {
        StringBuilder sb = new StringBuilder();
        sb.append("arch != ").append(table.arch()).append(" -> ")
                .append(SeccompAction.KILL_PROCESS.render()).append('\n');
        if (FilterCompiler.hasX32(table)) {
            sb.append("nr >= ").append(ArgCondition.hex(FilterCompiler.X32_SYSCALL_BIT)).append(" (x32 ABI) -> ")
                    .append(SeccompAction.KILL_PROCESS.render()).append('\n');
        }
        profile.evaluationOrder().forEach((call, group) -> {
            if (!leftOut.contains(call)) {
                group.forEach(r -> sb.append(r.render()).append('\n'));
            }
        });
        sb.append("default -> ").append(profile.defaultAction().render()).append('\n');
        if (!leftOut.isEmpty()) {
            sb.append("not on ").append(table.arch()).append(", left out: ").append(String.join(", ", leftOut))
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * {@return the program, one line per instruction} With absolute jump targets and the meaning of loads, syscall
     * numbers and returns.
     */
    public String disassemble() {
        return Disassembler.disassemble(instructions, table);
    }

    @Override
    public String toString() {
        return "CompiledFilter[" + table.arch() + ", " + instructions.size() + " instructions, " + profile + "]";
    }
}
