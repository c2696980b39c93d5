package dev.panamax.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An interpreter of classic BPF as seccomp runs it, written for the tests from the kernel's
 * definition (independent of the assembler's constants): the program is decoded from the raw
 * {@code struct sock_filter} bytes, and it checks what the kernel's verifier checks (jumps in
 * range, aligned loads inside {@code struct seccomp_data}, a RET at the end).
 */
final class ClassicBpfInterpreter {

    /** {@code struct seccomp_data}: nr, arch, instruction_pointer, args[6]; 64 bytes. */
    record SeccompData(int nr, int arch, long instructionPointer, long[] args) {
        byte[] bytes() {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(nr).putInt(arch).putLong(instructionPointer);
            for (int i = 0; i < 6; i++) {
                b.putLong(args[i]);
            }
            return b.array();
        }
    }

    private final short[] code;
    private final int[] jt;
    private final int[] jf;
    private final int[] k;

    ClassicBpfInterpreter(byte[] program) {
        if (program.length % 8 != 0 || program.length == 0 || program.length / 8 > 4096) {
            throw new IllegalArgumentException("bad program length " + program.length);
        }
        int n = program.length / 8;
        ByteBuffer b = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        code = new short[n];
        jt = new int[n];
        jf = new int[n];
        k = new int[n];
        for (int i = 0; i < n; i++) {
            code[i] = b.getShort();
            jt[i] = b.get() & 0xff;
            jf[i] = b.get() & 0xff;
            k[i] = b.getInt();
        }
        verify();
    }

    int length() {
        return code.length;
    }

    /** The kernel's static checks (bpf_check_classic + seccomp_check_filter), in short. */
    private void verify() {
        int n = code.length;
        for (int pc = 0; pc < n; pc++) {
            int c = code[pc] & 0xffff;
            if ((c & 0x07) == 0x05) {
                if ((c & 0xf0) == 0x00) {
                    if (Integer.toUnsignedLong(k[pc]) >= n - pc - 1) {
                        throw new IllegalStateException("ja out of range at " + pc);
                    }
                } else if (pc + 1 + jt[pc] >= n || pc + 1 + jf[pc] >= n) {
                    throw new IllegalStateException("jump out of range at " + pc);
                }
            }
            if (c == 0x20 && (k[pc] < 0 || k[pc] > 60 || (k[pc] & 3) != 0)) {
                throw new IllegalStateException("load outside seccomp_data at " + pc + ": " + k[pc]);
            }
        }
        if ((code[n - 1] & 0x07) != 0x06) {
            throw new IllegalStateException("last instruction is not a RET");
        }
    }

    /** Runs the program on {@code data} and returns the value of the RET it reaches. */
    int run(SeccompData data) {
        ByteBuffer mem = ByteBuffer.wrap(data.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int a = 0;
        int x = 0;
        int[] scratch = new int[16];
        for (int pc = 0; ; pc++) {
            int c = code[pc] & 0xffff;
            int kk = k[pc];
            switch (c & 0x07) {
                case 0x00 -> a = switch (c) {           // LD
                    case 0x20 -> mem.getInt(kk);          // LD W ABS
                    case 0x00 -> kk;                      // LD IMM
                    case 0x60 -> scratch[kk];             // LD MEM
                    case 0x80 -> 64;                      // LD W LEN
                    default -> throw bad(pc, c);
                };
                case 0x01 -> x = switch (c) {           // LDX
                    case 0x01 -> kk;
                    case 0x61 -> scratch[kk];
                    case 0x81 -> 64;
                    default -> throw bad(pc, c);
                };
                case 0x02 -> scratch[kk] = a;
                case 0x03 -> scratch[kk] = x;
                case 0x04 -> a = alu(c, a, (c & 0x08) != 0 ? x : kk, pc);
                case 0x05 -> {
                    int op = c & 0xf0;
                    int operand = (c & 0x08) != 0 ? x : kk;
                    if (op == 0x00) {
                        pc += kk;
                        continue;
                    }
                    boolean taken = switch (op) {
                        case 0x10 -> a == operand;
                        case 0x20 -> Integer.compareUnsigned(a, operand) > 0;
                        case 0x30 -> Integer.compareUnsigned(a, operand) >= 0;
                        case 0x40 -> (a & operand) != 0;
                        default -> throw bad(pc, c);
                    };
                    pc += taken ? jt[pc] : jf[pc];
                }
                case 0x06 -> {
                    return (c & 0x18) == 0x10 ? a : kk;
                }
                case 0x07 -> {
                    if (c == 0x07) {
                        x = a;
                    } else {
                        a = x;
                    }
                }
                default -> throw bad(pc, c);
            }
        }
    }

    private static int alu(int c, int a, int operand, int pc) {
        return switch (c & 0xf0) {
            case 0x00 -> a + operand;
            case 0x10 -> a - operand;
            case 0x20 -> a * operand;
            case 0x30 -> Integer.divideUnsigned(a, operand);
            case 0x40 -> a | operand;
            case 0x50 -> a & operand;
            case 0x60 -> a << operand;
            case 0x70 -> a >>> operand;
            case 0x80 -> -a;
            case 0x90 -> Integer.remainderUnsigned(a, operand);
            case 0xa0 -> a ^ operand;
            default -> throw bad(pc, c);
        };
    }

    private static IllegalStateException bad(int pc, int c) {
        return new IllegalStateException("unsupported instruction 0x" + Integer.toHexString(c) + " at " + pc);
    }
}
