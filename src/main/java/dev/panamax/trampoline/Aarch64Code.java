package dev.panamax.trampoline;

/**
 * The arm64 (AArch64) machine code of the clone entry, the child-program interpreter and the container's
 * init: the same contract, layout and behaviour as {@link X86_64Code}, step for step.
 *
 * <p>Called from Java as {@code long entry(struct clone_args *args, size_t size, program *p)} with the
 * arguments in {@code x0..x2} (AAPCS64). A system call takes its number in {@code x8} and its arguments in
 * {@code x0..x5}, and changes {@code x0} only (the result). The entry keeps what it needs in the scratch
 * registers {@code x9..x11}, so it saves nothing and touches no stack: it blocks every signal
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
    static final int ELF_ENTRY = 0x1fc;

    /**
     * Offset of {@code clone_entry}: as the entry at 0, with {@code clone} in place of {@code clone3} (see
     * {@link X86_64Code#CLONE_ENTRY}). arm64's {@code clone} takes {@code flags, newsp, parent_tid, tls,
     * child_tid} in that order (the kernel's {@code CLONE_BACKWARDS}); tls and child_tid are 0.
     */
    static final int CLONE_ENTRY = 0x204;

    /** Offset of the 8-byte word that {@code elf_entry} loads: the image address. */
    static final int IMAGE_ADDRESS_WORD = 0x260;

    static final byte[] CODE = words(
        // entry:
        0xaa0003e9,             // 000 mov x9, x0  ; x9 = clone_args; x9..x11 are scratch registers: nothing to save, no stack
        0xaa0103ea,             // 004 mov x10, x1  ; x10 = its size
        0xaa0203eb,             // 008 mov x11, x2  ; x11 = program: the child gets every register but x0 and sp as they are here
        0xd28010e8,             // 00c mov x8, #0x87  ; rt_sigprocmask(SIG_SETMASK, all, saved, 8): no JVM handler may run in the child
        0xd2800040,             // 010 mov x0, #0x2
        0x91008161,             // 014 add x1, x11, #0x20
        0x9100a162,             // 018 add x2, x11, #0x28
        0xd2800103,             // 01c mov x3, #0x8
        0xd4000001,             // 020 svc #0x0
        0xb50001c0,             // 024 cbnz x0, out  ; could not block: return -errno
        0xaa0903e0,             // 028 mov x0, x9
        0xaa0a03e1,             // 02c mov x1, x10
        0xd2803668,             // 030 mov x8, #0x1b3  ; clone3(args, size)
        0xd4000001,             // 034 svc #0x0
        0xb4000140,             // 038 cbz x0, child
        // parent:
        0xaa0003e9,             // 03c mov x9, x0  ; parent: keep the pid
        0xd28010e8,             // 040 mov x8, #0x87  ; rt_sigprocmask(SIG_SETMASK, saved, NULL, 8): restore the saved mask
        0xd2800040,             // 044 mov x0, #0x2
        0x9100a161,             // 048 add x1, x11, #0x28
        0xd2800002,             // 04c mov x2, #0x0
        0xd2800103,             // 050 mov x3, #0x8
        0xd4000001,             // 054 svc #0x0
        0xaa0903e0,             // 058 mov x0, x9
        // out:
        0xd65f03c0,             // 05c ret  ; return pid or -errno
        // child:
        0xaa0b03f3,             // 060 mov x19, x11  ; child, on its own stack: x19 = program
        // start:
        0xf9400274,             // 064 ldr x20, [x19]  ; x20 = index past the last step
        0x91010275,             // 068 add x21, x19, #0x40  ; x21 = first step of this image (HEADER_SIZE)
        0xf9401a76,             // 06c ldr x22, [x19, #48]  ; x22 = its index in the whole program
        // loop:
        0xeb1402df,             // 070 cmp x22, x20
        0x54000422,             // 074 b.cs done
        0xf94002a8,             // 078 ldr x8, [x21]  ; syscall number
        0xa94086a0,             // 07c ldp x0, x1, [x21, #8]  ; six argument words
        0xa9418ea2,             // 080 ldp x2, x3, [x21, #24]
        0xa94296a4,             // 084 ldp x4, x5, [x21, #40]
        0xd4000001,             // 088 svc #0x0  ; changes x0 only
        0xf9402aa9,             // 08c ldr x9, [x21, #80]  ; zero-terminated list of result destinations, or 0
        0xb40000a9,             // 090 cbz x9, checked
        // store_loop:
        0xf840852a,             // 094 ldr x10, [x9], #8
        0xb400006a,             // 098 cbz x10, checked
        0xf9000140,             // 09c str x0, [x10]  ; feed the result to a later step
        0x17fffffd,             // 0a0 b store_loop
        // checked:
        0xb13ffc1f,             // 0a4 cmn x0, #0xfff  ; [-4095, -1] is -errno
        0x54000162,             // 0a8 b.cs error
        0xf9401ea9,             // 0ac ldr x9, [x21, #56]  ; x9 = flags
        0x36000089,             // 0b0 tbz w9, #0, forked  ; FLAG_EXPECT?
        0xf94022aa,             // 0b4 ldr x10, [x21, #64]
        0xeb0a001f,             // 0b8 cmp x0, x10
        0x540001a1,             // 0bc b.ne mismatch
        // forked:
        0x36080049,             // 0c0 tbz w9, #1, next  ; FLAG_INIT_FORK and this is the parent?
        0xb5000360,             // 0c4 cbnz x0, init  ; then become the container's init
        // next:
        0x910162b5,             // 0c8 add x21, x21, #0x58  ; STEP_SIZE = 88
        0x910006d6,             // 0cc add x22, x22, #0x1
        0x17ffffe8,             // 0d0 b loop
        // error:
        0xcb0003e1,             // 0d4 neg x1, x0  ; x1 = errno
        0xf101003f,             // 0d8 cmp x1, #0x40
        0x54000122,             // 0dc b.cs fail
        0xf94026a9,             // 0e0 ldr x9, [x21, #72]  ; tolerated-errno mask
        0x9ac12529,             // 0e4 lsr x9, x9, x1
        0x3707ff09,             // 0e8 tbnz w9, #0, next  ; tolerated: go on
        0x14000005,             // 0ec b fail
        // mismatch:
        0xd2800001,             // 0f0 mov x1, #0x0  ; unexpected value: errno 0
        0x14000003,             // 0f4 b fail
        // done:
        0xd2800001,             // 0f8 mov x1, #0x0  ; no execve succeeded
        0xd2800000,             // 0fc mov x0, #0x0
        // fail:
        0xb9001276,             // 100 str w22, [x19, #16]  ; record.index
        0xb9001661,             // 104 str w1, [x19, #20]  ; record.errno
        0xf9000e60,             // 108 str x0, [x19, #24]  ; record.result
        0xd2800808,             // 10c mov x8, #0x40  ; write(errfd, record, 16)
        0xf9400660,             // 110 ldr x0, [x19, #8]
        0x91004261,             // 114 add x1, x19, #0x10
        0xd2800202,             // 118 mov x2, #0x10
        0xd4000001,             // 11c svc #0x0
        0xd2800bc8,             // 120 mov x8, #0x5e  ; exit_group(127)
        0xd2800fe0,             // 124 mov x0, #0x7f
        0xd4000001,             // 128 svc #0x0
        0xd4200000,             // 12c brk #0x0  ; never reached
        // init:
        0xaa0003f7,             // 130 mov x23, x0  ; pid 1 of the container; x23 = the command's pid
        0xf9401e78,             // 134 ldr x24, [x19, #56]  ; x24 = status fd (the launcher reads the command's wait status there)
        0xd2803688,             // 138 mov x8, #0x1b4  ; close_range(3, status - 1, 0): no descriptor of the setup stays open,
        0xd2800060,             // 13c mov x0, #0x3  ; the error pipe included (EOF once the command has exec'd)
        0xd1000701,             // 140 sub x1, x24, #0x1
        0xd2800002,             // 144 mov x2, #0x0
        0xd4000001,             // 148 svc #0x0
        0xd2803688,             // 14c mov x8, #0x1b4  ; close_range(status + 1, ~0U, 0)
        0x91000700,             // 150 add x0, x24, #0x1
        0x12800001,             // 154 mov w1, #0xffffffff
        0xd2800002,             // 158 mov x2, #0x0
        0xd4000001,             // 15c svc #0x0
        0xd10403ff,             // 160 sub sp, sp, #0x100  ; [sp] wait status, [sp+128] siginfo: the setup executable's own stack
        // wait_signal:
        0xd2801128,             // 164 mov x8, #0x89  ; rt_sigtimedwait(all, &siginfo, NULL, 8): every signal is blocked
        0x91008260,             // 168 add x0, x19, #0x20
        0x910203e1,             // 16c add x1, sp, #0x80
        0xd2800002,             // 170 mov x2, #0x0
        0xd2800103,             // 174 mov x3, #0x8
        0xd4000001,             // 178 svc #0x0
        0xf100441f,             // 17c cmp x0, #0x11  ; SIGCHLD: reap
        0x540000e0,             // 180 b.eq reap
        0xb7ffff00,             // 184 tbnz x0, #63, wait_signal  ; EINTR/EAGAIN: wait again
        0xaa0003e1,             // 188 mov x1, x0  ; any other signal: forward it to the command
        0xaa1703e0,             // 18c mov x0, x23
        0xd2801028,             // 190 mov x8, #0x81  ; kill(command, sig)
        0xd4000001,             // 194 svc #0x0
        0x17fffff3,             // 198 b wait_signal
        // reap:
        0xd2802088,             // 19c mov x8, #0x104  ; wait4(-1, &status, WNOHANG, NULL): orphans and the command
        0x92800000,             // 1a0 mov x0, #0xffffffffffffffff
        0x910003e1,             // 1a4 mov x1, sp
        0xd2800022,             // 1a8 mov x2, #0x1
        0xd2800003,             // 1ac mov x3, #0x0
        0xd4000001,             // 1b0 svc #0x0
        0xf100001f,             // 1b4 cmp x0, #0x0
        0x54fffd6d,             // 1b8 b.le wait_signal  ; nothing more to reap (0) or no children (-ECHILD)
        0xeb17001f,             // 1bc cmp x0, x23
        0x54fffee1,             // 1c0 b.ne reap  ; an orphan: reaped, look for more
        0xd2800808,             // 1c4 mov x8, #0x40  ; write(status fd, &status, 4): the command ended
        0xaa1803e0,             // 1c8 mov x0, x24
        0x910003e1,             // 1cc mov x1, sp
        0xd2800082,             // 1d0 mov x2, #0x4
        0xd4000001,             // 1d4 svc #0x0
        0xb94003e0,             // 1d8 ldr w0, [sp]  ; exit like the command: its code, or 128 + its signal
        0x72001801,             // 1dc ands w1, w0, #0x7f
        0x54000060,             // 1e0 b.eq exited
        0x11020020,             // 1e4 add w0, w1, #0x80
        0x14000002,             // 1e8 b leave
        // exited:
        0x53083c00,             // 1ec ubfx w0, w0, #8, #8
        // leave:
        0xd2800bc8,             // 1f0 mov x8, #0x5e  ; exit_group(code)
        0xd4000001,             // 1f4 svc #0x0
        0xd4200000,             // 1f8 brk #0x0  ; never reached
        // elf_entry:
        0x58000333,             // 1fc ldr x19, image_address  ; a setup executable: the program is mapped at IMAGE_ADDRESS
        0x17ffff99,             // 200 b start
        // clone_entry:
        0xaa0003e9,             // 204 mov x9, x0  ; as entry, with clone: clone3 is ENOSYS here; x9 = clone_args
        0xaa0203eb,             // 208 mov x11, x2  ; x11 = program
        0xd28010e8,             // 20c mov x8, #0x87  ; rt_sigprocmask(SIG_SETMASK, all, saved, 8)
        0xd2800040,             // 210 mov x0, #0x2
        0x91008161,             // 214 add x1, x11, #0x20
        0x9100a162,             // 218 add x2, x11, #0x28
        0xd2800103,             // 21c mov x3, #0x8
        0xd4000001,             // 220 svc #0x0
        0xb5fff1c0,             // 224 cbnz x0, out  ; could not block: return -errno
        0xf9400120,             // 228 ldr x0, [x9]  ; clone_args.flags
        0x926bf800,             // 22c and x0, x0, #0xffffffffffefffff  ; without CLONE_PARENT_SETTID: clone stores the pidfd in parent_tid
        0xf940112a,             // 230 ldr x10, [x9, #32]  ; | exit_signal (CSIGNAL, the low byte)
        0xaa0a0000,             // 234 orr x0, x0, x10
        0xa942a921,             // 238 ldp x1, x10, [x9, #40]  ; newsp = stack + stack_size: the top
        0x8b0a0021,             // 23c add x1, x1, x10
        0xf9400522,             // 240 ldr x2, [x9, #8]  ; parent_tid = clone_args.pidfd
        0xd2800003,             // 244 mov x3, #0x0  ; tls = 0 (arm64's clone: flags, newsp, parent_tid, tls, child_tid)
        0xd2800004,             // 248 mov x4, #0x0  ; child_tid = 0
        0xd2801b88,             // 24c mov x8, #0xdc  ; clone(flags, newsp, &pidfd, 0, 0)
        0xd4000001,             // 250 svc #0x0
        0xb4fff060,             // 254 cbz x0, child
        0x17ffff79,             // 258 b parent
        0xd503201f,             // 25c nop  ; pads image_address to 8 bytes (never run)
        // image_address:
        0x01000000, 0x00000000  // 260 .quad 0x1000000  ; IMAGE_ADDRESS, the word elf_entry loads
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
