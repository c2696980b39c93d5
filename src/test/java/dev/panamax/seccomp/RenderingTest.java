package dev.panamax.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RenderingTest {

    @Test
    void actionEncodingsAreTheKernelsSeccompRetValues() {
        assertEquals(0x7fff0000, SeccompAction.ALLOW.encoding());
        assertEquals(0x80000000, SeccompAction.KILL_PROCESS.encoding());
        assertEquals(0x00000000, SeccompAction.KILL_THREAD.encoding());
        assertEquals(0x00030000, SeccompAction.TRAP.encoding());
        assertEquals(0x7ffc0000, SeccompAction.LOG.encoding());
        assertEquals(0x00050001, SeccompAction.EPERM.encoding());
        assertEquals(0x00050026, SeccompAction.ENOSYS.encoding());
        assertEquals(0x00050fff, SeccompAction.errno(4095).encoding());
        assertEquals(List.of("ALLOW", "KILL_PROCESS", "KILL_THREAD", "TRAP", "LOG", "ERRNO(EPERM)", "ERRNO(300)"),
                List.of(SeccompAction.ALLOW, SeccompAction.KILL_PROCESS, SeccompAction.KILL_THREAD, SeccompAction.TRAP,
                        SeccompAction.LOG, SeccompAction.EPERM, SeccompAction.errno(300)).stream()
                        .map(SeccompAction::render).toList());
    }

    @Test
    void renderIsOneLinePerRuleInEvaluationOrder() {
        var p = SeccompProfile.empty(SeccompAction.ENOSYS).toBuilder()
                .allow("read", "write")
                .rule("ioctl", SeccompAction.ALLOW, ArgCondition.le(1, 0x5401), ArgCondition.ne(2, 0))
                .rule("ioctl", SeccompAction.EPERM)
                .rule("kill", SeccompAction.ALLOW, ArgCondition.eq(1, 0))
                .build();
        assertEquals("""
                arch != x86_64 -> KILL_PROCESS
                nr >= 0x40000000 (x32 ABI) -> KILL_PROCESS
                read -> ALLOW
                write -> ALLOW
                ioctl if arg1 <= 0x5401 && arg2 != 0x0 -> ALLOW
                ioctl -> ERRNO(EPERM)
                kill if arg1 == 0x0 -> ALLOW
                default -> ERRNO(ENOSYS)
                """, p.compile().render());
    }

    @Test
    void bytesAreEightPerInstructionAndStartWithTheArchCheck() {
        CompiledFilter f = SeccompProfile.defaultProfile().compile();
        byte[] b = f.bytes();
        assertEquals(f.length() * 8, b.length);
        assertTrue(f.length() < 256, "the default profile is short: " + f.length());
        // ld [4] = BPF_LD|BPF_W|BPF_ABS 0x20, k = 4
        assertEquals(List.of(0x20, 0, 0, 0, 4, 0, 0, 0), bytes(b, 0));
        // jeq #0xc000003e
        assertEquals(0x15, b[8]);
        assertEquals(List.of(0x3e, 0x00, 0x00, 0xc0), bytes(b, 1).subList(4, 8));
    }

    private static List<Integer> bytes(byte[] b, int instruction) {
        return java.util.stream.IntStream.range(instruction * 8, instruction * 8 + 8).map(i -> b[i] & 0xff).boxed().toList();
    }

    @Test
    void disassemblyNamesFieldsSyscallsAndActions() {
        String text = SeccompProfile.defaultProfile().compile().disassemble();
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).matches("\\s+0: ld \\[4]\\s+; arch"), lines.get(0));
        assertTrue(lines.get(1).matches("\\s+1: jeq #0xc000003e jt 3 jf 2\\s*"), lines.get(1));
        assertTrue(lines.get(2).matches("\\s+2: ret #0x80000000\\s+; KILL_PROCESS"), lines.get(2));
        assertTrue(lines.get(3).matches("\\s+3: ld \\[0]\\s+; nr"), lines.get(3));
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+\\d+: jeq #0xa5 jt \\d+ jf \\d+\\s+; mount")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+\\d+: ld \\[16]\\s+; args\\[0] \\(low\\)")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+\\d+: and #0x10000000\\s*")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+\\d+: ret #0x50001\\s+; ERRNO\\(EPERM\\)")), text);
        // after "ld [16]" A holds an argument: comparisons there are not syscall numbers
        assertTrue(lines.stream().noneMatch(l -> l.contains("jeq #0x8 ") && l.endsWith("; personality")), text);
    }
}
