package dev.panamax.trampoline;

/**
 * The x86-64 machine code of the clone entry, the child-program interpreter and the container's init.
 *
 * <p>Called from Java as {@code long entry(struct clone_args *args, size_t size, program *p)}. The
 * entry blocks every signal around clone3 itself, in native code: blocking them from Java would be unsafe,
 * because the JVM turns SIGSEGV into safepoints and null checks, and a blocked synchronous SIGSEGV kills the
 * process. The parent gets clone3's result back (a pid or {@code -errno}) with its mask restored. The child
 * starts on the stack named in {@code args} with every register as the parent had it, so the program pointer
 * travels in {@code r9}, which clone3 does not touch; it never returns (there is no return address on its
 * stack), it only executes steps until {@code execve} replaces it or a step fails. No libc, no TLS, no stack
 * use.
 *
 * <p>The same bytes are the code of the {@linkplain SetupExecutable setup executable}: its entry point
 * ({@link #ELF_ENTRY}) loads the address where the kernel mapped the rest of the program and joins the
 * interpreter at {@code start}. A step flagged {@link ProgramLayout#FLAG_INIT_FORK} forks; the child goes on
 * with the next step, the parent becomes the container's init ({@code init}): it closes every descriptor but
 * the status pipe, waits for signals with all of them blocked, forwards each to the command, reaps every
 * child that ends, and when the command ends writes its wait status to the status pipe and exits with its
 * code (or 128 + its signal).
 *
 * <p>The bytes were assembled with GNU as ({@code .intel_syntax noprefix}); the source is beside each
 * line. Layout offsets are those of {@link ProgramLayout}.
 */
final class X86_64Code {
    private X86_64Code() {}

    /** Offset of {@code elf_entry}, the setup executable's entry point. */
    static final int ELF_ENTRY = 0x1f8;

    /**
     * Offset of {@code clone_entry}: as the entry at 0, with {@code clone} in place of {@code clone3}, for a
     * kernel or a seccomp filter that refuses {@code clone3} with ENOSYS (Docker's default profile). It reads
     * the same {@code struct clone_args}: {@code clone(flags & ~CLONE_PARENT_SETTID | exit_signal,
     * stack + stack_size, pidfd, 0, 0)}. Without clone3 the pidfd takes the place of the parent's tid, so
     * {@code parent_tid} is not written; flags above the low 32 bits and {@code CLONE_NEWTIME} (in the
     * signal byte) cannot be passed, and the caller must not ask for them.
     */
    static final int CLONE_ENTRY = 0x207;

    /** Offset of the 8-byte immediate in {@code elf_entry} that holds the image address. */
    static final int ELF_ENTRY_IMAGE_IMMEDIATE = ELF_ENTRY + 2;

    static final byte[] CODE = bytes(
        // entry:
        0x53,                                     // 000 push rbx  ; save the registers the entry uses
        0x41, 0x54,                               // 001 push r12
        0x41, 0x55,                               // 003 push r13
        0x48, 0x89, 0xfb,                         // 005 mov rbx, rdi  ; rbx = clone_args
        0x49, 0x89, 0xf4,                         // 008 mov r12, rsi
        0x49, 0x89, 0xd5,                         // 00b mov r13, rdx  ; r13 = program
        0xb8, 0x0e, 0x00, 0x00, 0x00,             // 00e mov eax, 14  ; rt_sigprocmask(SIG_SETMASK, all, saved, 8):
        0xbf, 0x02, 0x00, 0x00, 0x00,             // 013 mov edi, 2
        0x49, 0x8d, 0x75, 0x20,                   // 018 lea rsi, [r13+32]
        0x49, 0x8d, 0x55, 0x28,                   // 01c lea rdx, [r13+40]
        0x41, 0xba, 0x08, 0x00, 0x00, 0x00,       // 020 mov r10d, 8
        0x0f, 0x05,                               // 026 syscall  ; no JVM handler may run in the child
        0x48, 0x85, 0xc0,                         // 028 test rax, rax
        0x75, 0x33,                               // 02b jne out  ; could not block: return -errno
        0x48, 0x89, 0xdf,                         // 02d mov rdi, rbx
        0x4c, 0x89, 0xe6,                         // 030 mov rsi, r12
        0x4d, 0x89, 0xe9,                         // 033 mov r9, r13  ; the program pointer survives clone3 in r9
        0xb8, 0xb3, 0x01, 0x00, 0x00,             // 036 mov eax, 435  ; clone3(args, size)
        0x0f, 0x05,                               // 03b syscall
        0x48, 0x85, 0xc0,                         // 03d test rax, rax
        0x74, 0x24,                               // 040 je child
        // parent:
        0x48, 0x89, 0xc3,                         // 042 mov rbx, rax  ; parent: keep the pid
        0xb8, 0x0e, 0x00, 0x00, 0x00,             // 045 mov eax, 14  ; restore the saved mask
        0xbf, 0x02, 0x00, 0x00, 0x00,             // 04a mov edi, 2
        0x49, 0x8d, 0x75, 0x28,                   // 04f lea rsi, [r13+40]
        0x31, 0xd2,                               // 053 xor edx, edx
        0x41, 0xba, 0x08, 0x00, 0x00, 0x00,       // 055 mov r10d, 8
        0x0f, 0x05,                               // 05b syscall
        0x48, 0x89, 0xd8,                         // 05d mov rax, rbx
        // out:
        0x41, 0x5d,                               // 060 pop r13  ; return pid or -errno
        0x41, 0x5c,                               // 062 pop r12
        0x5b,                                     // 064 pop rbx
        0xc3,                                     // 065 ret
        // child:
        0x4d, 0x89, 0xcf,                         // 066 mov r15, r9  ; child, on its own stack: r15 = program
        // start:
        0x4d, 0x8b, 0x2f,                         // 069 mov r13, [r15]  ; r13 = index past the last step
        0x4d, 0x8d, 0x67, 0x40,                   // 06c lea r12, [r15+64]  ; r12 = first step of this image (HEADER_SIZE)
        0x4d, 0x8b, 0x77, 0x30,                   // 070 mov r14, [r15+48]  ; r14 = its index in the whole program
        // loop:
        0x4d, 0x39, 0xee,                         // 074 cmp r14, r13
        0x0f, 0x83, 0x89, 0x00, 0x00, 0x00,       // 077 jae done
        0x49, 0x8b, 0x04, 0x24,                   // 07d mov rax, [r12]  ; syscall number
        0x49, 0x8b, 0x7c, 0x24, 0x08,             // 081 mov rdi, [r12+8]  ; six argument words
        0x49, 0x8b, 0x74, 0x24, 0x10,             // 086 mov rsi, [r12+16]
        0x49, 0x8b, 0x54, 0x24, 0x18,             // 08b mov rdx, [r12+24]
        0x4d, 0x8b, 0x54, 0x24, 0x20,             // 090 mov r10, [r12+32]
        0x4d, 0x8b, 0x44, 0x24, 0x28,             // 095 mov r8, [r12+40]
        0x4d, 0x8b, 0x4c, 0x24, 0x30,             // 09a mov r9, [r12+48]
        0x0f, 0x05,                               // 09f syscall  ; clobbers rcx and r11 only
        0x49, 0x8b, 0x4c, 0x24, 0x50,             // 0a1 mov rcx, [r12+80]  ; zero-terminated list of result destinations, or 0
        0x48, 0x85, 0xc9,                         // 0a6 test rcx, rcx
        0x74, 0x11,                               // 0a9 je checked_store
        // store_loop:
        0x48, 0x8b, 0x11,                         // 0ab mov rdx, [rcx]
        0x48, 0x85, 0xd2,                         // 0ae test rdx, rdx
        0x74, 0x09,                               // 0b1 je checked_store
        0x48, 0x89, 0x02,                         // 0b3 mov [rdx], rax  ; feed the result to a later step
        0x48, 0x83, 0xc1, 0x08,                   // 0b6 add rcx, 8
        0xeb, 0xef,                               // 0ba jmp store_loop
        // checked_store:
        0x48, 0x3d, 0x01, 0xf0, 0xff, 0xff,       // 0bc cmp rax, -4095  ; [-4095, -1] is -errno
        0x73, 0x25,                               // 0c2 jae error
        0x41, 0xf6, 0x44, 0x24, 0x38, 0x01,       // 0c4 test byte ptr [r12+56], 1  ; FLAG_EXPECT?
        0x74, 0x07,                               // 0ca je forked
        0x49, 0x3b, 0x44, 0x24, 0x40,             // 0cc cmp rax, [r12+64]
        0x75, 0x2f,                               // 0d1 jne mismatch
        // forked:
        0x41, 0xf6, 0x44, 0x24, 0x38, 0x02,       // 0d3 test byte ptr [r12+56], 2  ; FLAG_INIT_FORK and this is the parent?
        0x74, 0x05,                               // 0d9 je next
        0x48, 0x85, 0xc0,                         // 0db test rax, rax
        0x75, 0x57,                               // 0de jne init  ; then become the container's init
        // next:
        0x49, 0x83, 0xc4, 0x58,                   // 0e0 add r12, 88  ; STEP_SIZE = 88
        0x49, 0xff, 0xc6,                         // 0e4 inc r14
        0xeb, 0x8b,                               // 0e7 jmp loop
        // error:
        0x48, 0x89, 0xc1,                         // 0e9 mov rcx, rax
        0x48, 0xf7, 0xd9,                         // 0ec neg rcx  ; rcx = errno
        0x48, 0x83, 0xf9, 0x40,                   // 0ef cmp rcx, 64
        0x73, 0x15,                               // 0f3 jae fail
        0x4d, 0x8b, 0x5c, 0x24, 0x48,             // 0f5 mov r11, [r12+72]  ; tolerated-errno mask
        0x49, 0x0f, 0xa3, 0xcb,                   // 0fa bt r11, rcx
        0x72, 0xe0,                               // 0fe jb next  ; tolerated: go on
        0xeb, 0x08,                               // 100 jmp fail
        // mismatch:
        0x31, 0xc9,                               // 102 xor ecx, ecx  ; unexpected value: errno 0
        0xeb, 0x04,                               // 104 jmp fail
        // done:
        0x31, 0xc9,                               // 106 xor ecx, ecx  ; no execve succeeded
        0x31, 0xc0,                               // 108 xor eax, eax
        // fail:
        0x45, 0x89, 0x77, 0x10,                   // 10a mov [r15+16], r14d  ; record.index
        0x41, 0x89, 0x4f, 0x14,                   // 10e mov [r15+20], ecx  ; record.errno
        0x49, 0x89, 0x47, 0x18,                   // 112 mov [r15+24], rax  ; record.result
        0xb8, 0x01, 0x00, 0x00, 0x00,             // 116 mov eax, 1  ; write(errfd, record, 16)
        0x49, 0x8b, 0x7f, 0x08,                   // 11b mov rdi, [r15+8]
        0x49, 0x8d, 0x77, 0x10,                   // 11f lea rsi, [r15+16]
        0xba, 0x10, 0x00, 0x00, 0x00,             // 123 mov edx, 16
        0x0f, 0x05,                               // 128 syscall
        0xb8, 0xe7, 0x00, 0x00, 0x00,             // 12a mov eax, 231  ; exit_group(127)
        0xbf, 0x7f, 0x00, 0x00, 0x00,             // 12f mov edi, 127
        0x0f, 0x05,                               // 134 syscall
        0xf4,                                     // 136 hlt  ; never reached
        // init:
        0x48, 0x89, 0xc3,                         // 137 mov rbx, rax  ; pid 1 of the container; rbx = the command's pid
        0x4d, 0x8b, 0x67, 0x38,                   // 13a mov r12, [r15+56]  ; r12 = status fd (the launcher reads the command's wait status
        0xb8, 0xb4, 0x01, 0x00, 0x00,             // 13e mov eax, 436  ; close_range(3, status - 1, 0): no descriptor of the setup sta
        0xbf, 0x03, 0x00, 0x00, 0x00,             // 143 mov edi, 3  ; the error pipe included (EOF once the command has exec'd)
        0x49, 0x8d, 0x74, 0x24, 0xff,             // 148 lea rsi, [r12-1]
        0x31, 0xd2,                               // 14d xor edx, edx
        0x0f, 0x05,                               // 14f syscall
        0xb8, 0xb4, 0x01, 0x00, 0x00,             // 151 mov eax, 436  ; close_range(status + 1, ~0U, 0)
        0x49, 0x8d, 0x7c, 0x24, 0x01,             // 156 lea rdi, [r12+1]
        0xbe, 0xff, 0xff, 0xff, 0xff,             // 15b mov esi, 0xffffffff
        0x31, 0xd2,                               // 160 xor edx, edx
        0x0f, 0x05,                               // 162 syscall
        0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00, // 164 sub rsp, 256  ; [rsp] wait status, [rsp+128] siginfo
        // wait_signal:
        0xb8, 0x80, 0x00, 0x00, 0x00,             // 16b mov eax, 128  ; rt_sigtimedwait(all, &siginfo, NULL, 8): every signal is bloc
        0x49, 0x8d, 0x7f, 0x20,                   // 170 lea rdi, [r15+32]
        0x48, 0x8d, 0xb4, 0x24, 0x80, 0x00, 0x00, 0x00,// 174 lea rsi, [rsp+128]
        0x31, 0xd2,                               // 17c xor edx, edx
        0x41, 0xba, 0x08, 0x00, 0x00, 0x00,       // 17e mov r10d, 8
        0x0f, 0x05,                               // 184 syscall
        0x48, 0x83, 0xf8, 0x11,                   // 186 cmp rax, 17  ; SIGCHLD: reap
        0x74, 0x14,                               // 18a je reap
        0x48, 0x85, 0xc0,                         // 18c test rax, rax
        0x78, 0xda,                               // 18f js wait_signal  ; EINTR/EAGAIN: wait again
        0x48, 0x89, 0xc6,                         // 191 mov rsi, rax  ; any other signal: forward it to the command
        0x48, 0x89, 0xdf,                         // 194 mov rdi, rbx
        0xb8, 0x3e, 0x00, 0x00, 0x00,             // 197 mov eax, 62  ; kill(command, sig)
        0x0f, 0x05,                               // 19c syscall
        0xeb, 0xcb,                               // 19e jmp wait_signal
        // reap:
        0xb8, 0x3d, 0x00, 0x00, 0x00,             // 1a0 mov eax, 61  ; wait4(-1, &status, WNOHANG, NULL): orphans and the command
        0x48, 0xc7, 0xc7, 0xff, 0xff, 0xff, 0xff, // 1a5 mov rdi, -1
        0x48, 0x89, 0xe6,                         // 1ac mov rsi, rsp
        0xba, 0x01, 0x00, 0x00, 0x00,             // 1af mov edx, 1
        0x45, 0x31, 0xd2,                         // 1b4 xor r10d, r10d
        0x0f, 0x05,                               // 1b7 syscall
        0x48, 0x85, 0xc0,                         // 1b9 test rax, rax
        0x7e, 0xad,                               // 1bc jle wait_signal  ; nothing more to reap (0) or no children (-ECHILD)
        0x48, 0x39, 0xd8,                         // 1be cmp rax, rbx
        0x75, 0xdd,                               // 1c1 jne reap  ; an orphan: reaped, look for more
        0xb8, 0x01, 0x00, 0x00, 0x00,             // 1c3 mov eax, 1  ; the command ended: write(status fd, &status, 4)
        0x4c, 0x89, 0xe7,                         // 1c8 mov rdi, r12
        0x48, 0x89, 0xe6,                         // 1cb mov rsi, rsp
        0xba, 0x04, 0x00, 0x00, 0x00,             // 1ce mov edx, 4
        0x0f, 0x05,                               // 1d3 syscall
        0x8b, 0x3c, 0x24,                         // 1d5 mov edi, [rsp]  ; exit like the command: its code, or 128 + its signal
        0x89, 0xf8,                               // 1d8 mov eax, edi
        0x83, 0xe0, 0x7f,                         // 1da and eax, 0x7f
        0x74, 0x08,                               // 1dd je exited
        0x8d, 0xb8, 0x80, 0x00, 0x00, 0x00,       // 1df lea edi, [rax+128]
        0xeb, 0x09,                               // 1e5 jmp leave
        // exited:
        0xc1, 0xef, 0x08,                         // 1e7 shr edi, 8
        0x81, 0xe7, 0xff, 0x00, 0x00, 0x00,       // 1ea and edi, 0xff
        // leave:
        0xb8, 0xe7, 0x00, 0x00, 0x00,             // 1f0 mov eax, 231  ; exit_group(code)
        0x0f, 0x05,                               // 1f5 syscall
        0xf4,                                     // 1f7 hlt
        // elf_entry:
        0x49, 0xbf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,// 1f8 movabs r15, 0x1000000  ; a setup executable: the program is mapped at IMAGE_ADDRESS
        0xe9, 0x62, 0xfe, 0xff, 0xff,             // 202 jmp start
        // clone_entry:
        0x53,                                     // 207 push rbx  ; as entry, with clone: clone3 is ENOSYS here
        0x41, 0x54,                               // 208 push r12
        0x41, 0x55,                               // 20a push r13
        0x48, 0x89, 0xfb,                         // 20c mov rbx, rdi  ; rbx = clone_args
        0x49, 0x89, 0xd5,                         // 20f mov r13, rdx  ; r13 = program
        0xb8, 0x0e, 0x00, 0x00, 0x00,             // 212 mov eax, 14  ; rt_sigprocmask(SIG_SETMASK, all, saved, 8)
        0xbf, 0x02, 0x00, 0x00, 0x00,             // 217 mov edi, 2
        0x49, 0x8d, 0x75, 0x20,                   // 21c lea rsi, [r13+32]
        0x49, 0x8d, 0x55, 0x28,                   // 220 lea rdx, [r13+40]
        0x41, 0xba, 0x08, 0x00, 0x00, 0x00,       // 224 mov r10d, 8
        0x0f, 0x05,                               // 22a syscall
        0x48, 0x85, 0xc0,                         // 22c test rax, rax
        0x0f, 0x85, 0x2b, 0xfe, 0xff, 0xff,       // 22f jne out  ; could not block: return -errno
        0x48, 0x8b, 0x3b,                         // 235 mov rdi, [rbx]  ; clone_args.flags
        0x48, 0x0f, 0xba, 0xf7, 0x14,             // 238 btr rdi, 20  ; without CLONE_PARENT_SETTID: clone stores the pidfd in parent_tid
        0x48, 0x0b, 0x7b, 0x20,                   // 23d or rdi, [rbx+32]  ; | exit_signal (CSIGNAL, the low byte)
        0x48, 0x8b, 0x73, 0x28,                   // 241 mov rsi, [rbx+40]  ; newsp = stack + stack_size: the top
        0x48, 0x03, 0x73, 0x30,                   // 245 add rsi, [rbx+48]
        0x48, 0x8b, 0x53, 0x08,                   // 249 mov rdx, [rbx+8]  ; parent_tid = clone_args.pidfd
        0x45, 0x31, 0xd2,                         // 24d xor r10d, r10d  ; child_tid = 0
        0x45, 0x31, 0xc0,                         // 250 xor r8d, r8d  ; tls = 0
        0x4d, 0x89, 0xe9,                         // 253 mov r9, r13  ; the program pointer survives clone in r9
        0xb8, 0x38, 0x00, 0x00, 0x00,             // 256 mov eax, 56  ; clone(flags, newsp, &pidfd, 0, 0)
        0x0f, 0x05,                               // 25b syscall
        0x48, 0x85, 0xc0,                         // 25d test rax, rax
        0x0f, 0x84, 0x00, 0xfe, 0xff, 0xff,       // 260 je child
        0xe9, 0xd7, 0xfd, 0xff, 0xff              // 266 jmp parent

    );

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
