package dev.panamax.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.sys.internal.Bindings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * This package is public and must not depend on the bindings, so its kernel constants are written by hand;
 * this test pins each of them to the headers.
 */
class SeccompAbiTest {

    @Test
    void bpfOpcodes() {
        Map<String, Integer> hand = Map.ofEntries(
                Map.entry("BPF_LD", BpfInstruction.LD), Map.entry("BPF_LDX", BpfInstruction.LDX),
                Map.entry("BPF_ST", BpfInstruction.ST), Map.entry("BPF_STX", BpfInstruction.STX),
                Map.entry("BPF_ALU", BpfInstruction.ALU), Map.entry("BPF_JMP", BpfInstruction.JMP),
                Map.entry("BPF_RET", BpfInstruction.RET), Map.entry("BPF_MISC", BpfInstruction.MISC),
                Map.entry("BPF_W", BpfInstruction.W), Map.entry("BPF_IMM", BpfInstruction.IMM),
                Map.entry("BPF_ABS", BpfInstruction.ABS), Map.entry("BPF_MEM", BpfInstruction.MEM),
                Map.entry("BPF_LEN", BpfInstruction.LEN), Map.entry("BPF_ADD", BpfInstruction.ADD),
                Map.entry("BPF_SUB", BpfInstruction.SUB), Map.entry("BPF_MUL", BpfInstruction.MUL),
                Map.entry("BPF_DIV", BpfInstruction.DIV), Map.entry("BPF_OR", BpfInstruction.OR),
                Map.entry("BPF_AND", BpfInstruction.AND), Map.entry("BPF_LSH", BpfInstruction.LSH),
                Map.entry("BPF_RSH", BpfInstruction.RSH), Map.entry("BPF_NEG", BpfInstruction.NEG),
                Map.entry("BPF_MOD", BpfInstruction.MOD), Map.entry("BPF_XOR", BpfInstruction.XOR),
                Map.entry("BPF_JA", BpfInstruction.JA), Map.entry("BPF_JEQ", BpfInstruction.JEQ),
                Map.entry("BPF_JGT", BpfInstruction.JGT), Map.entry("BPF_JGE", BpfInstruction.JGE),
                Map.entry("BPF_JSET", BpfInstruction.JSET), Map.entry("BPF_K", BpfInstruction.K),
                Map.entry("BPF_X", BpfInstruction.X), Map.entry("BPF_A", BpfInstruction.A),
                Map.entry("BPF_TAX", BpfInstruction.TAX), Map.entry("BPF_TXA", BpfInstruction.TXA),
                Map.entry("BPF_MAXINSNS", CompiledFilter.MAX_INSTRUCTIONS));
        hand.forEach((name, value) -> assertEquals(Bindings.constant(name), (long) value, name));
    }

    @Test
    void returnActions() {
        assertEquals(Bindings.constant("SECCOMP_RET_ALLOW"), SeccompAction.ALLOW.encoding());
        assertEquals(Bindings.constant("SECCOMP_RET_ERRNO") | 1, new SeccompAction.Errno(1).encoding());
        assertEquals((int) Bindings.constant("SECCOMP_RET_KILL_PROCESS"), SeccompAction.KILL_PROCESS.encoding());
        assertEquals(Bindings.constant("SECCOMP_RET_KILL_THREAD"), SeccompAction.KILL_THREAD.encoding());
        assertEquals(Bindings.constant("SECCOMP_RET_TRAP"), SeccompAction.TRAP.encoding());
        assertEquals(Bindings.constant("SECCOMP_RET_LOG"), SeccompAction.LOG.encoding());
    }

    @Test
    void structLayouts() {
        assertEquals(Bindings.sizeof("sock_filter"), BpfInstruction.SIZE);
        assertEquals(Bindings.offset("sock_filter", "code"), 0);
        assertEquals(Bindings.offset("sock_filter", "jt"), 2);
        assertEquals(Bindings.offset("sock_filter", "jf"), 3);
        assertEquals(Bindings.offset("sock_filter", "k"), 4);
        assertEquals(Bindings.offset("seccomp_data", "nr"), FilterCompiler.OFF_NR);
        assertEquals(Bindings.offset("seccomp_data", "arch"), FilterCompiler.OFF_ARCH);
        assertEquals(Bindings.offset("seccomp_data", "instruction_pointer"), FilterCompiler.OFF_IP);
        assertEquals(Bindings.offset("seccomp_data", "args"), FilterCompiler.OFF_ARGS);
    }

    @Test
    void valuesTheDefaultProfileMatches() throws Exception {
        assertEquals(Bindings.constant("CLONE_NEWUSER"), DefaultProfile.CLONE_NEWUSER);
        assertEquals(Bindings.ioctl("TIOCSTI"), DefaultProfile.TIOCSTI);
        assertEquals(Bindings.ioctl("TIOCLINUX"), DefaultProfile.TIOCLINUX);
        assertEquals(Bindings.define("x86_64-linux-gnu/asm/unistd.h", "__X32_SYSCALL_BIT"),
                FilterCompiler.X32_SYSCALL_BIT);
    }
}
