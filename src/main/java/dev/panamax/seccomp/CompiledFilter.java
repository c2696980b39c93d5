package dev.panamax.seccomp;

import dev.panamax.spec.InvalidSpecException;

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
    private final List<BpfInstruction> instructions;
    private volatile String rendered;

    CompiledFilter(SeccompProfile profile, List<BpfInstruction> instructions) {
        if (instructions.size() > MAX_INSTRUCTIONS) {
            throw new InvalidSpecException("seccomp", "seccomp filter has " + instructions.size()
                    + " instructions; the kernel accepts at most " + MAX_INSTRUCTIONS + " (BPF_MAXINSNS): "
                    + profile.rules().size() + " rules are too many");
        }
        this.profile = profile;
        this.instructions = List.copyOf(instructions);
    }

    /** {@return the profile this filter was compiled from} */
    public SeccompProfile profile() {
        return profile;
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
        sb.append("arch != ").append(profile.table().arch()).append(" -> ")
                .append(SeccompAction.KILL_PROCESS.render()).append('\n');
        sb.append("nr >= ").append(ArgCondition.hex(FilterCompiler.X32_SYSCALL_BIT)).append(" (x32 ABI) -> ")
                .append(SeccompAction.KILL_PROCESS.render()).append('\n');
        profile.evaluationOrder().values().forEach(group -> group.forEach(r -> sb.append(r.render()).append('\n')));
        sb.append("default -> ").append(profile.defaultAction().render()).append('\n');
        return sb.toString();
    }

    /**
     * {@return the program, one line per instruction} With absolute jump targets and the meaning of loads, syscall
     * numbers and returns.
     */
    public String disassemble() {
        return Disassembler.disassemble(instructions, profile.table());
    }

    @Override
    public String toString() {
        return "CompiledFilter[" + instructions.size() + " instructions, " + profile + "]";
    }
}
