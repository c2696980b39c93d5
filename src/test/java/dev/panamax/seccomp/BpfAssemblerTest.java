package dev.panamax.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.seccomp.BpfAssembler.Label;
import dev.panamax.seccomp.ClassicBpfInterpreter.SeccompData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BpfAssemblerTest {

    /** {@code if (nr == 7) goto yes else goto no}, with {@code gapTrue}/{@code gapFalse} filler between. */
    private static byte[] program(int gapTrue, int gapFalse) {
        var asm = new BpfAssembler();
        Label yes = asm.label("yes");
        Label no = asm.label("no");
        asm.load(0).jump(BpfInstruction.JEQ, 7, yes, no);
        filler(asm, gapFalse);
        asm.bind(no).ret(2);
        filler(asm, gapTrue);
        asm.bind(yes).ret(1);
        return toBytes(asm.assemble());
    }

    private static void filler(BpfAssembler asm, int n) {
        for (int i = 0; i < n; i++) {
            asm.ret(0xdead);
        }
    }

    static byte[] toBytes(List<BpfInstruction> program) {
        ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        program.forEach(i -> i.writeTo(b));
        return b.array();
    }

    private static int run(byte[] program, int nr) {
        return new ClassicBpfInterpreter(program).run(new SeccompData(nr, 0, 0, new long[6]));
    }

    @Property(tries = 60)
    void anyDistanceIsReachable(@ForAll @IntRange(max = 700) int gapTrue, @ForAll @IntRange(max = 700) int gapFalse) {
        byte[] p = program(gapTrue, gapFalse);
        assertEquals(1, run(p, 7));
        assertEquals(2, run(p, 8));
    }

    @Test
    void offset255FitsAnd256NeedsATrampoline() {
        // jt = 255 exactly: no trampoline
        assertEquals((2 + 254 + 1 + 1) * 8, program(0, 254).length);
        // jt = 256 gets a trampoline, which pushes the jf target from 255 to 256: it gets one too
        assertEquals((2 + 255 + 1 + 1 + 2) * 8, program(0, 255).length);
    }

    @Test
    void farSidesGetOneTrampolineEach() {
        int plain = 2 + 300 + 1 + 300 + 1;
        assertEquals((plain + 2) * 8, program(300, 300).length);
        byte[] p = program(300, 300);
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x15, b.getShort(8), "jeq");
        assertEquals(0, b.get(10), "jt to the first trampoline");
        assertEquals(1, b.get(11), "jf to the second trampoline");
        assertEquals(0x05, b.getShort(16), "ja");
        assertEquals(0x05, b.getShort(24), "ja");
    }

    @Test
    void labelErrorsAreNamed() {
        var asm = new BpfAssembler();
        Label never = asm.label("never bound");
        asm.load(0).jump(BpfInstruction.JEQ, 1, never, BpfAssembler.NEXT).ret(0);
        var e = assertThrows(IllegalStateException.class, asm::assemble);
        assertEquals("label never bound is never bound", e.getMessage());

        var back = new BpfAssembler();
        Label top = back.label("top");
        back.bind(top).load(0).ja(top);
        assertTrue(assertThrows(IllegalStateException.class, back::assemble).getMessage().contains("goes backward"));

        var twice = new BpfAssembler();
        Label l = twice.label("l");
        twice.bind(l);
        assertEquals("label l is bound twice", assertThrows(IllegalStateException.class, () -> twice.bind(l)).getMessage());
    }

    @Test
    void instructionLayoutIsStructSockFilter() {
        byte[] bytes = toBytes(List.of(BpfInstruction.jump(0x15, 0xC000003E, 1, 2)));
        assertEquals(List.of(0x15, 0x00, 1, 2, 0x3E, 0x00, 0x00, 0xC0),
                java.util.stream.IntStream.range(0, 8).map(i -> bytes[i] & 0xff).boxed().toList());
    }
}
