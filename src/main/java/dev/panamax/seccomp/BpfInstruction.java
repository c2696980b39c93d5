package dev.panamax.seccomp;

import java.nio.ByteBuffer;

/**
 * One classic BPF instruction, {@code struct sock_filter}: {@code u16 code; u8 jt; u8 jf; u32 k}.
 * The constants are those of {@code linux/bpf_common.h}; conditional jumps are relative to the next
 * instruction and only go forward.
 */
record BpfInstruction(int code, int jt, int jf, int k) {

    /** Bytes per instruction in {@code struct sock_filter}. */
    static final int SIZE = 8;

    // instruction classes
    static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    // LD/LDX size and mode
    static final int W = 0x00, IMM = 0x00, ABS = 0x20, MEM = 0x60, LEN = 0x80;
    // ALU operations
    static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70,
            NEG = 0x80, MOD = 0x90, XOR = 0xa0;
    // JMP operations
    static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    // operand source: the constant k or the index register X; for RET, A
    static final int K = 0x00, X = 0x08, A = 0x10;
    // MISC
    static final int TAX = 0x00, TXA = 0x80;

    BpfInstruction {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("BpfInstruction.code must fit in 16 bits, was " + code);
        }
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
            throw new IllegalArgumentException("BpfInstruction.jt/jf must be in 0..255, were " + jt + "/" + jf);
        }
    }

    /** {@code BPF_STMT(code, k)}. */
    static BpfInstruction stmt(int code, int k) {
        return new BpfInstruction(code, 0, 0, k);
    }

    /** {@code BPF_JUMP(code, k, jt, jf)}. */
    static BpfInstruction jump(int code, int k, int jt, int jf) {
        return new BpfInstruction(code, jt, jf, k);
    }

    int instructionClass() {
        return code & 0x07;
    }

    /** Appends the little-endian {@code struct sock_filter} bytes (x86-64 is little-endian). */
    void writeTo(ByteBuffer out) {
        out.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
