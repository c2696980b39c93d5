package dev.panamax.trampoline;

/**
 * The x86-64 machine code of the clone entry and the child-program interpreter.
 *
 * <p>Called from Java as {@code long entry(struct clone_args *args, size_t size, program *p)}. The
 * entry blocks every signal around clone3 itself, in native code: blocking them from Java would be unsafe,
 * because the JVM turns SIGSEGV into safepoints and null checks, and a blocked synchronous SIGSEGV kills the
 * process. The parent gets clone3's result back (a pid or {@code -errno}) with its mask restored. The child starts on the stack named in
 * {@code args} with every register as the parent had it, so the program pointer travels in {@code r9},
 * which clone3 does not touch; it never returns (there is no return address on its stack), it only
 * executes steps until {@code execve} replaces it or a step fails. No libc, no TLS, no stack use.
 *
 * <p>The bytes were assembled with GNU as ({@code .intel_syntax noprefix}); the source is beside each
 * line. Layout offsets are those of {@link ProgramLayout}.
 */
final class X86_64Code {
    private X86_64Code() {}

    static final byte[] CODE = bytes(
        // entry:
        0x53,                                     // 000 push rbx  ; save the registers the entry uses
        0x41, 0x54,                               // 001 push r12
        0x41, 0x55,                               // 003 push r13
        0x48, 0x89, 0xfb,                         // 005 mov rbx,rdi  ; rbx = clone_args
        0x49, 0x89, 0xf4,                         // 008 mov r12,rsi
        0x49, 0x89, 0xd5,                         // 00b mov r13,rdx  ; r13 = program
        0xb8, 0x0e, 0x00, 0x00, 0x00,             // 00e mov eax,0xe  ; rt_sigprocmask(SIG_SETMASK, all, saved, 8):
        0xbf, 0x02, 0x00, 0x00, 0x00,             // 013 mov edi,0x2
        0x49, 0x8d, 0x75, 0x20,                   // 018 lea rsi,[r13+0x20]
        0x49, 0x8d, 0x55, 0x28,                   // 01c lea rdx,[r13+0x28]
        0x41, 0xba, 0x08, 0x00, 0x00, 0x00,       // 020 mov r10d,0x8
        0x0f, 0x05,                               // 026 syscall  ;   no JVM handler may run in the child
        0x48, 0x85, 0xc0,                         // 028 test rax,rax
        0x75, 0x33,                               // 02b jne out  ; could not block: return -errno
        0x48, 0x89, 0xdf,                         // 02d mov rdi,rbx
        0x4c, 0x89, 0xe6,                         // 030 mov rsi,r12
        0x4d, 0x89, 0xe9,                         // 033 mov r9,r13  ; the program pointer survives clone3 in r9
        0xb8, 0xb3, 0x01, 0x00, 0x00,             // 036 mov eax,0x1b3  ; clone3(args, size)
        0x0f, 0x05,                               // 03b syscall
        0x48, 0x85, 0xc0,                         // 03d test rax,rax
        0x74, 0x24,                               // 040 je child
        0x48, 0x89, 0xc3,                         // 042 mov rbx,rax  ; parent: keep the pid
        0xb8, 0x0e, 0x00, 0x00, 0x00,             // 045 mov eax,0xe  ; restore the saved mask
        0xbf, 0x02, 0x00, 0x00, 0x00,             // 04a mov edi,0x2
        0x49, 0x8d, 0x75, 0x28,                   // 04f lea rsi,[r13+0x28]
        0x31, 0xd2,                               // 053 xor edx,edx
        0x41, 0xba, 0x08, 0x00, 0x00, 0x00,       // 055 mov r10d,0x8
        0x0f, 0x05,                               // 05b syscall
        0x48, 0x89, 0xd8,                         // 05d mov rax,rbx
        // out:
        0x41, 0x5d,                               // 060 pop r13  ; return pid or -errno
        0x41, 0x5c,                               // 062 pop r12
        0x5b,                                     // 064 pop rbx
        0xc3,                                     // 065 ret
        // child:
        0x4d, 0x89, 0xcf,                         // 066 mov r15,r9  ; child, on its own stack: r15 = program
        0x4d, 0x8b, 0x2f,                         // 069 mov r13,[r15]  ; r13 = step count
        0x4d, 0x8d, 0x67, 0x30,                   // 06c lea r12,[r15+0x30]  ; r12 = first step (HEADER_SIZE)
        0x45, 0x31, 0xf6,                         // 070 xor r14d,r14d  ; r14 = step index
        // loop:
        0x4d, 0x39, 0xee,                         // 073 cmp r14,r13
        0x73, 0x7c,                               // 076 jae done
        0x49, 0x8b, 0x04, 0x24,                   // 078 mov rax,[r12]  ; syscall number
        0x49, 0x8b, 0x7c, 0x24, 0x08,             // 07c mov rdi,[r12+0x8]  ; six argument words
        0x49, 0x8b, 0x74, 0x24, 0x10,             // 081 mov rsi,[r12+0x10]
        0x49, 0x8b, 0x54, 0x24, 0x18,             // 086 mov rdx,[r12+0x18]
        0x4d, 0x8b, 0x54, 0x24, 0x20,             // 08b mov r10,[r12+0x20]
        0x4d, 0x8b, 0x44, 0x24, 0x28,             // 090 mov r8,[r12+0x28]
        0x4d, 0x8b, 0x4c, 0x24, 0x30,             // 095 mov r9,[r12+0x30]
        0x0f, 0x05,                               // 09a syscall  ; clobbers rcx and r11 only
        0x49, 0x8b, 0x4c, 0x24, 0x50,             // 09c mov rcx,[r12+0x50]  ; zero-terminated list of result destinations, or 0
        0x48, 0x85, 0xc9,                         // 0a1 test rcx,rcx
        0x74, 0x11,                               // 0a4 je checked_store
        // store_loop:
        0x48, 0x8b, 0x11,                         // 0a6 mov rdx,[rcx]
        0x48, 0x85, 0xd2,                         // 0a9 test rdx,rdx
        0x74, 0x09,                               // 0ac je checked_store
        0x48, 0x89, 0x02,                         // 0ae mov [rdx],rax  ; feed the result to a later step
        0x48, 0x83, 0xc1, 0x08,                   // 0b1 add rcx,0x8
        0xeb, 0xef,                               // 0b5 jmp store_loop
        // checked_store:
        0x48, 0x3d, 0x01, 0xf0, 0xff, 0xff,       // 0b7 cmp rax,0xfffffffffffff001  ; [-4095, -1] is -errno
        0x73, 0x18,                               // 0bd jae error
        0x41, 0xf6, 0x44, 0x24, 0x38, 0x01,       // 0bf test [r12+0x38],0x1  ; FLAG_EXPECT?
        0x74, 0x07,                               // 0c5 je next
        0x49, 0x3b, 0x44, 0x24, 0x40,             // 0c7 cmp rax,[r12+0x40]
        0x75, 0x22,                               // 0cc jne mismatch
        // next:
        0x49, 0x83, 0xc4, 0x58,                   // 0ce add r12,0x58  ; STEP_SIZE = 88
        0x49, 0xff, 0xc6,                         // 0d2 inc r14
        0xeb, 0x9c,                               // 0d5 jmp loop
        // error:
        0x48, 0x89, 0xc1,                         // 0d7 mov rcx,rax
        0x48, 0xf7, 0xd9,                         // 0da neg rcx  ; rcx = errno
        0x48, 0x83, 0xf9, 0x40,                   // 0dd cmp rcx,0x40
        0x73, 0x15,                               // 0e1 jae fail
        0x4d, 0x8b, 0x5c, 0x24, 0x48,             // 0e3 mov r11,[r12+0x48]  ; tolerated-errno mask
        0x49, 0x0f, 0xa3, 0xcb,                   // 0e8 bt r11,rcx
        0x72, 0xe0,                               // 0ec jb next  ; tolerated: go on
        0xeb, 0x08,                               // 0ee jmp fail
        // mismatch:
        0x31, 0xc9,                               // 0f0 xor ecx,ecx  ; unexpected value: errno 0
        0xeb, 0x04,                               // 0f2 jmp fail
        // done:
        0x31, 0xc9,                               // 0f4 xor ecx,ecx  ; no execve succeeded
        0x31, 0xc0,                               // 0f6 xor eax,eax
        // fail:
        0x45, 0x89, 0x77, 0x10,                   // 0f8 mov [r15+0x10],r14d  ; record.index
        0x41, 0x89, 0x4f, 0x14,                   // 0fc mov [r15+0x14],ecx  ; record.errno
        0x49, 0x89, 0x47, 0x18,                   // 100 mov [r15+0x18],rax  ; record.result
        0xb8, 0x01, 0x00, 0x00, 0x00,             // 104 mov eax,0x1  ; write(errfd, record, 16)
        0x49, 0x8b, 0x7f, 0x08,                   // 109 mov rdi,[r15+0x8]
        0x49, 0x8d, 0x77, 0x10,                   // 10d lea rsi,[r15+0x10]
        0xba, 0x10, 0x00, 0x00, 0x00,             // 111 mov edx,0x10
        0x0f, 0x05,                               // 116 syscall
        0xb8, 0xe7, 0x00, 0x00, 0x00,             // 118 mov eax,0xe7  ; exit_group(127)
        0xbf, 0x7f, 0x00, 0x00, 0x00,             // 11d mov edi,0x7f
        0x0f, 0x05,                               // 122 syscall
        0xf4                                      // 124 hlt  ; never reached
    );

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
