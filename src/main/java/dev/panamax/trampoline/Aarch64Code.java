package dev.panamax.trampoline;

/**
 * The arm64 (AArch64) machine code of the clone entry, the child-program interpreter and the container's
 * init: the same contract, layout and behaviour as {@link X86_64Code}, step for step.
 *
 * <p>Called from Java as {@code long entry(struct clone_args *args, size_t size, program *p)} with the
 * arguments in {@code x0..x2} (AAPCS64). A system call takes its number in {@code x8} and its arguments in
 * {@code x0..x5}, and changes {@code x0} only (the result). The entry keeps what it needs in the scratch
 * registers {@code x9..x12}, so it saves nothing and touches no stack: it blocks every signal
 * ({@code rt_sigprocmask}, old mask saved in the program's header), calls {@code clone3}, and in the parent
 * restores the mask and returns the pid or {@code -errno} (through {@code x30}, which no system call
 * changes). The child starts on the stack named in {@code args} with every register as the parent had it
 * but {@code x0} (0) and {@code sp}, so the program pointer arrives in {@code x11}; it never returns, and
 * keeps its state in {@code x19..x24}. No libc, no TLS, no stack use but the init's (on the setup
 * executable's own stack).
 *
 * <p>Registers of the interpreter: {@code x19} the program, {@code x20} the index past the last step,
 * {@code x21} the current step, {@code x22} its index; the init adds {@code x23} (the command's pid) and
 * {@code x24} (the status descriptor). The setup executable's entry ({@link #ELF_ENTRY}) loads the image
 * address from a literal word ({@link #IMAGE_ADDRESS_WORD}, 8-byte aligned) into {@code x19} and joins the
 * interpreter at {@code start}.
 *
 * <p>The words were assembled with GNU as for aarch64 ({@code aarch64-linux-gnu-as}); beside each is its
 * disassembly as {@code aarch64-linux-gnu-objdump} prints it, branch targets written as their labels.
 * System call numbers are arm64's (asm-generic): each {@code mov x8} names its call.
 */
final class Aarch64Code {
    private Aarch64Code() {}

    /** Offset of {@code elf_entry}, the setup executable's entry point. */
    static final int ELF_ENTRY = 0x204;

    /**
     * Offset of {@code clone_entry}: as the entry at 0, with {@code clone} in place of {@code clone3} (see
     * {@link X86_64Code#CLONE_ENTRY}): it sets {@code x12} and joins the entry, which branches to {@code clone}
     * after blocking the signals. arm64's {@code clone} takes {@code flags, newsp, parent_tid, tls,
     * child_tid} in that order (the kernel's {@code CLONE_BACKWARDS}); tls and child_tid are 0.
     */
    static final int CLONE_ENTRY = 0x20c;

    /** Offset of the 8-byte word that {@code elf_entry} loads: the image address. */
    static final int IMAGE_ADDRESS_WORD = 0x248;

    static final byte[] CODE = words(
        // entry:
        0xd280000c,             // 000 mov x12, #0x0  ; x12 = 0: clone with clone3 (clone_entry sets 1: with clone)
        // block:
        0xaa0003e9,             // 004 mov x9, x0  ; x9 = clone_args; x9..x12 are scratch registers: nothing to save, no stack
        0xaa0103ea,             // 008 mov x10, x1  ; x10 = its size
        0xaa0203eb,             // 00c mov x11, x2  ; x11 = program: the child gets every register but x0 and sp as they are here
        0xd28010e8,             // 010 mov x8, #0x87  ; rt_sigprocmask(SIG_SETMASK, all, saved, 8): no JVM handler may run in the child
        0xd2800040,             // 014 mov x0, #0x2
        0x91008161,             // 018 add x1, x11, #0x20
        0x9100a162,             // 01c add x2, x11, #0x28
        0xd2800103,             // 020 mov x3, #0x8
        0xd4000001,             // 024 svc #0x0
        0xb50001e0,             // 028 cbnz x0, out  ; could not block: return -errno
        0xb5000f4c,             // 02c cbnz x12, clone  ; clone_entry
        0xaa0903e0,             // 030 mov x0, x9
        0xaa0a03e1,             // 034 mov x1, x10
        0xd2803668,             // 038 mov x8, #0x1b3  ; clone3(args, size)
        0xd4000001,             // 03c svc #0x0
        // cloned:
        0xb4000140,             // 040 cbz x0, child
        // parent:
        0xaa0003e9,             // 044 mov x9, x0  ; parent: keep the pid
        0xd28010e8,             // 048 mov x8, #0x87  ; rt_sigprocmask(SIG_SETMASK, saved, NULL, 8): restore the saved mask
        0xd2800040,             // 04c mov x0, #0x2
        0x9100a161,             // 050 add x1, x11, #0x28
        0xd2800002,             // 054 mov x2, #0x0
        0xd2800103,             // 058 mov x3, #0x8
        0xd4000001,             // 05c svc #0x0
        0xaa0903e0,             // 060 mov x0, x9
        // out:
        0xd65f03c0,             // 064 ret  ; return pid or -errno
        // child:
        0xaa0b03f3,             // 068 mov x19, x11  ; child, on its own stack: x19 = program
        // start:
        0xf9400274,             // 06c ldr x20, [x19]  ; x20 = index past the last step
        0x91010275,             // 070 add x21, x19, #0x40  ; x21 = first step of this image (HEADER_SIZE)
        0xf9401a76,             // 074 ldr x22, [x19, #48]  ; x22 = its index in the whole program
        // loop:
        0xeb1402df,             // 078 cmp x22, x20
        0x54000422,             // 07c b.cs done
        0xf94002a8,             // 080 ldr x8, [x21]  ; syscall number
        0xa94086a0,             // 084 ldp x0, x1, [x21, #8]  ; six argument words
        0xa9418ea2,             // 088 ldp x2, x3, [x21, #24]
        0xa94296a4,             // 08c ldp x4, x5, [x21, #40]
        0xd4000001,             // 090 svc #0x0  ; changes x0 only
        0xf9402aa9,             // 094 ldr x9, [x21, #80]  ; zero-terminated list of result destinations, or 0
        0xb40000a9,             // 098 cbz x9, checked
        // store_loop:
        0xf840852a,             // 09c ldr x10, [x9], #8
        0xb400006a,             // 0a0 cbz x10, checked
        0xf9000140,             // 0a4 str x0, [x10]  ; feed the result to a later step
        0x17fffffd,             // 0a8 b store_loop
        // checked:
        0xb13ffc1f,             // 0ac cmn x0, #0xfff  ; [-4095, -1] is -errno
        0x54000162,             // 0b0 b.cs error
        0xf9401ea9,             // 0b4 ldr x9, [x21, #56]  ; x9 = flags
        0x36000089,             // 0b8 tbz w9, #0, forked  ; FLAG_EXPECT?
        0xf94022aa,             // 0bc ldr x10, [x21, #64]
        0xeb0a001f,             // 0c0 cmp x0, x10
        0x540001a1,             // 0c4 b.ne mismatch
        // forked:
        0x36080049,             // 0c8 tbz w9, #1, next  ; FLAG_INIT_FORK and this is the parent?
        0xb5000360,             // 0cc cbnz x0, init  ; then become the container's init
        // next:
        0x910162b5,             // 0d0 add x21, x21, #0x58  ; STEP_SIZE = 88
        0x910006d6,             // 0d4 add x22, x22, #0x1
        0x17ffffe8,             // 0d8 b loop
        // error:
        0xcb0003e1,             // 0dc neg x1, x0  ; x1 = errno
        0xf101003f,             // 0e0 cmp x1, #0x40
        0x54000122,             // 0e4 b.cs fail
        0xf94026a9,             // 0e8 ldr x9, [x21, #72]  ; tolerated-errno mask
        0x9ac12529,             // 0ec lsr x9, x9, x1
        0x3707ff09,             // 0f0 tbnz w9, #0, next  ; tolerated: go on
        0x14000005,             // 0f4 b fail
        // mismatch:
        0xd2800001,             // 0f8 mov x1, #0x0  ; unexpected value: errno 0
        0x14000003,             // 0fc b fail
        // done:
        0xd2800001,             // 100 mov x1, #0x0  ; no execve succeeded
        0xd2800000,             // 104 mov x0, #0x0
        // fail:
        0xb9001276,             // 108 str w22, [x19, #16]  ; record.index
        0xb9001661,             // 10c str w1, [x19, #20]  ; record.errno
        0xf9000e60,             // 110 str x0, [x19, #24]  ; record.result
        0xd2800808,             // 114 mov x8, #0x40  ; write(errfd, record, 16)
        0xf9400660,             // 118 ldr x0, [x19, #8]
        0x91004261,             // 11c add x1, x19, #0x10
        0xd2800202,             // 120 mov x2, #0x10
        0xd4000001,             // 124 svc #0x0
        0xd2800bc8,             // 128 mov x8, #0x5e  ; exit_group(127)
        0xd2800fe0,             // 12c mov x0, #0x7f
        0xd4000001,             // 130 svc #0x0
        0xd4200000,             // 134 brk #0x0  ; never reached
        // init:
        0xaa0003f7,             // 138 mov x23, x0  ; pid 1 of the container; x23 = the command's pid
        0xf9401e78,             // 13c ldr x24, [x19, #56]  ; x24 = status fd (the launcher reads the command's wait status there)
        0xd2803688,             // 140 mov x8, #0x1b4  ; close_range(3, status - 1, 0): no descriptor of the setup stays open,
        0xd2800060,             // 144 mov x0, #0x3  ; the error pipe included (EOF once the command has exec'd)
        0xd1000701,             // 148 sub x1, x24, #0x1
        0xd2800002,             // 14c mov x2, #0x0
        0xd4000001,             // 150 svc #0x0
        0xd2803688,             // 154 mov x8, #0x1b4  ; close_range(status + 1, ~0U, 0)
        0x91000700,             // 158 add x0, x24, #0x1
        0x12800001,             // 15c mov w1, #0xffffffff
        0xd2800002,             // 160 mov x2, #0x0
        0xd4000001,             // 164 svc #0x0
        0xd10403ff,             // 168 sub sp, sp, #0x100  ; [sp] wait status, [sp+128] siginfo: the setup executable's own stack
        // wait_signal:
        0xd2801128,             // 16c mov x8, #0x89  ; rt_sigtimedwait(all, &siginfo, NULL, 8): every signal is blocked
        0x91008260,             // 170 add x0, x19, #0x20
        0x910203e1,             // 174 add x1, sp, #0x80
        0xd2800002,             // 178 mov x2, #0x0
        0xd2800103,             // 17c mov x3, #0x8
        0xd4000001,             // 180 svc #0x0
        0xf100441f,             // 184 cmp x0, #0x11  ; SIGCHLD: reap
        0x540000e0,             // 188 b.eq reap
        0xb7ffff00,             // 18c tbnz x0, #63, wait_signal  ; EINTR/EAGAIN: wait again
        0xaa0003e1,             // 190 mov x1, x0  ; any other signal: forward it to the command
        0xaa1703e0,             // 194 mov x0, x23
        0xd2801028,             // 198 mov x8, #0x81  ; kill(command, sig)
        0xd4000001,             // 19c svc #0x0
        0x17fffff3,             // 1a0 b wait_signal
        // reap:
        0xd2802088,             // 1a4 mov x8, #0x104  ; wait4(-1, &status, WNOHANG, NULL): orphans and the command
        0x92800000,             // 1a8 mov x0, #0xffffffffffffffff
        0x910003e1,             // 1ac mov x1, sp
        0xd2800022,             // 1b0 mov x2, #0x1
        0xd2800003,             // 1b4 mov x3, #0x0
        0xd4000001,             // 1b8 svc #0x0
        0xf100001f,             // 1bc cmp x0, #0x0
        0x54fffd6d,             // 1c0 b.le wait_signal  ; nothing more to reap (0) or no children (-ECHILD)
        0xeb17001f,             // 1c4 cmp x0, x23
        0x54fffee1,             // 1c8 b.ne reap  ; an orphan: reaped, look for more
        0xd2800808,             // 1cc mov x8, #0x40  ; write(status fd, &status, 4): the command ended
        0xaa1803e0,             // 1d0 mov x0, x24
        0x910003e1,             // 1d4 mov x1, sp
        0xd2800082,             // 1d8 mov x2, #0x4
        0xd4000001,             // 1dc svc #0x0
        0xb94003e0,             // 1e0 ldr w0, [sp]  ; exit like the command: its code, or 128 + its signal
        0x72001801,             // 1e4 ands w1, w0, #0x7f
        0x54000060,             // 1e8 b.eq exited
        0x11020020,             // 1ec add w0, w1, #0x80
        0x14000002,             // 1f0 b leave
        // exited:
        0x53083c00,             // 1f4 ubfx w0, w0, #8, #8
        // leave:
        0xd2800bc8,             // 1f8 mov x8, #0x5e  ; exit_group(code)
        0xd4000001,             // 1fc svc #0x0
        0xd4200000,             // 200 brk #0x0  ; never reached
        // elf_entry:
        0x58000233,             // 204 ldr x19, image_address  ; a setup executable: the program is mapped at IMAGE_ADDRESS
        0x17ffff99,             // 208 b start
        // clone_entry:
        0xd280002c,             // 20c mov x12, #0x1  ; as entry, with clone: clone3 is ENOSYS here
        0x17ffff7d,             // 210 b block
        // clone:
        0xf9400120,             // 214 ldr x0, [x9]  ; clone_args.flags
        0x926bf800,             // 218 and x0, x0, #0xffffffffffefffff  ; without CLONE_PARENT_SETTID: clone stores the pidfd in parent_tid
        0xf940112a,             // 21c ldr x10, [x9, #32]  ; | exit_signal (CSIGNAL, the low byte)
        0xaa0a0000,             // 220 orr x0, x0, x10
        0xa942a921,             // 224 ldp x1, x10, [x9, #40]  ; newsp = stack + stack_size: the top
        0x8b0a0021,             // 228 add x1, x1, x10
        0xf9400522,             // 22c ldr x2, [x9, #8]  ; parent_tid = clone_args.pidfd
        0xd2800003,             // 230 mov x3, #0x0  ; tls = 0 (arm64's clone: flags, newsp, parent_tid, tls, child_tid)
        0xd2800004,             // 234 mov x4, #0x0  ; child_tid = 0
        0xd2801b88,             // 238 mov x8, #0xdc  ; clone(flags, newsp, &pidfd, 0, 0)
        0xd4000001,             // 23c svc #0x0
        0x17ffff80,             // 240 b cloned
        0xd503201f,             // 244 nop  ; pads image_address to 8 bytes (never run)
        // image_address:
        0x01000000, 0x00000000  // 248 .quad 0x1000000  ; IMAGE_ADDRESS, the word elf_entry loads
    );

    /** Little-endian bytes of 32-bit instruction words. */
    private static byte[] words(int... values) {
        byte[] out = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            for (int b = 0; b < 4; b++) {
                out[4 * i + b] = (byte) (values[i] >>> (8 * b));
            }
        }
        return out;
    }
}
