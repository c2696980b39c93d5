package dev.panamax.cgroup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroup v2 device policy: an eBPF {@code BPF_PROG_TYPE_CGROUP_DEVICE} program compiled from device rules
 * (v2 has no devices controller; the kernel asks such a program about every device a process of the cgroup
 * makes or opens). Pure: bytes in, bytes out; {@link dev.panamax.sys.Bpf} loads and attaches it.
 *
 * <p>Meaning (the test interpreter checks it against this): the <em>last</em> rule that matches decides;
 * nothing matches means deny. A rule matches a device when its type ({@code a} = any), major and minor
 * ({@code *} = any) fit, and, for an allow rule, it grants every access asked for ({@code m} mknod,
 * {@code r}, {@code w}); for a deny rule, it covers any of them. The list starts with {@code deny a} and
 * allows after it, as {@link DeviceRule#DEFAULT_ALLOW_LIST} does.
 *
 * <pre>
 *   w2 = ctx->access_type; w3 = w2 &amp; 0xffff (1 block, 2 char); w2 &gt;&gt;= 16 (1 mknod, 2 read, 4 write)
 *   w4 = ctx->major; w5 = ctx->minor
 *   per rule, last first:  if type/major/minor differ, or the access does not fit: skip; else r0 = allow; exit
 *   r0 = 0; exit                (unless a rule matched everything: the verifier refuses unreachable code)
 * </pre>
 */
public final class DeviceProgram {
    // eBPF opcodes (linux/bpf.h, linux/bpf_common.h)
    static final int LDX_MEM_W = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
    static final int MOV32_X = 0xbc;     // BPF_ALU | BPF_MOV | BPF_X
    static final int MOV32_K = 0xb4;     // BPF_ALU | BPF_MOV | BPF_K
    static final int AND32_K = 0x54;     // BPF_ALU | BPF_AND | BPF_K
    static final int RSH32_K = 0x74;     // BPF_ALU | BPF_RSH | BPF_K
    static final int JNE32_K = 0x56;     // BPF_JMP32 | BPF_JNE | BPF_K
    static final int JEQ32_K = 0x16;     // BPF_JMP32 | BPF_JEQ | BPF_K
    static final int MOV64_K = 0xb7;     // BPF_ALU64 | BPF_MOV | BPF_K
    static final int EXIT = 0x95;        // BPF_JMP | BPF_EXIT

    /** {@code BPF_DEVCG_DEV_BLOCK}, {@code BPF_DEVCG_DEV_CHAR}; accesses MKNOD 1, READ 2, WRITE 4. */
    static final int DEV_BLOCK = 1;
    static final int DEV_CHAR = 2;

    private DeviceProgram() {
    }

    /** One eBPF instruction. */
    record Insn(int code, int dst, int src, int off, int imm) {
        void writeTo(ByteBuffer b) {
            b.put((byte) code).put((byte) ((src << 4) | dst)).putShort((short) off).putInt(imm);
        }
    }

    /**
     * Compiles {@code rules} into a {@code BPF_PROG_TYPE_CGROUP_DEVICE} program.
     *
     * @param rules device rules in order; the last match decides
     * @return the program as the kernel takes it (8 bytes per instruction, little-endian)
     */
    public static byte[] compile(List<DeviceRule> rules) {
        List<Insn> out = new ArrayList<>();
        out.add(new Insn(LDX_MEM_W, 2, 1, 0, 0));    // w2 = access_type
        out.add(new Insn(MOV32_X, 3, 2, 0, 0));      // w3 = w2
        out.add(new Insn(AND32_K, 3, 0, 0, 0xffff)); // w3 = type
        out.add(new Insn(RSH32_K, 2, 0, 0, 16));     // w2 = access
        out.add(new Insn(LDX_MEM_W, 4, 1, 4, 0));    // w4 = major
        out.add(new Insn(LDX_MEM_W, 5, 1, 8, 0));    // w5 = minor
        boolean decided = false;
        for (int i = rules.size() - 1; i >= 0 && !decided; i--) {
            List<Insn> block = block(rules.get(i));
            out.addAll(block);
            decided = block.size() == 2; // a rule that matches everything: nothing after it is reachable
        }
        if (!decided) {
            out.add(new Insn(MOV64_K, 0, 0, 0, 0));  // nothing matched: deny
            out.add(new Insn(EXIT, 0, 0, 0, 0));
        }
        ByteBuffer b = ByteBuffer.allocate(8 * out.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.forEach(insn -> insn.writeTo(b));
        return b.array();
    }

    /** The tests of one rule; each failing test jumps past the block (to the next rule). */
    private static List<Insn> block(DeviceRule rule) {
        List<Insn> tests = new ArrayList<>();
        if (rule.type() != 'a') {
            tests.add(new Insn(JNE32_K, 3, 0, 0, rule.type() == 'b' ? DEV_BLOCK : DEV_CHAR));
            if (rule.major() >= 0) {
                tests.add(new Insn(JNE32_K, 4, 0, 0, (int) rule.major()));
            }
            if (rule.minor() >= 0) {
                tests.add(new Insn(JNE32_K, 5, 0, 0, (int) rule.minor()));
            }
        }
        int granted = access(rule.type() == 'a' ? "rwm" : rule.access());
        if (granted != 7) {
            tests.add(new Insn(MOV32_X, 6, 2, 0, 0));
            if (rule.allow()) {
                // asks for anything not granted: skip
                tests.add(new Insn(AND32_K, 6, 0, 0, ~granted & 7));
                tests.add(new Insn(JNE32_K, 6, 0, 0, 0));
            } else {
                // asks for nothing it covers: skip
                tests.add(new Insn(AND32_K, 6, 0, 0, granted));
                tests.add(new Insn(JEQ32_K, 6, 0, 0, 0));
            }
        }
        List<Insn> block = new ArrayList<>();
        int length = tests.size() + 2;
        for (int k = 0; k < tests.size(); k++) {
            Insn t = tests.get(k);
            boolean jump = t.code() == JNE32_K || t.code() == JEQ32_K;
            block.add(jump ? new Insn(t.code(), t.dst(), t.src(), length - k - 1, t.imm()) : t);
        }
        block.add(new Insn(MOV64_K, 0, 0, 0, rule.allow() ? 1 : 0));
        block.add(new Insn(EXIT, 0, 0, 0, 0));
        return block;
    }

    /** m = 1, r = 2, w = 4, as in {@code BPF_DEVCG_ACC_*}. */
    static int access(String rwm) {
        int a = 0;
        for (char c : rwm.toCharArray()) {
            a |= c == 'm' ? 1 : c == 'r' ? 2 : 4;
        }
        return a;
    }
}
