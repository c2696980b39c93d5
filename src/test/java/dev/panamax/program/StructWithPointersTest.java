package dev.panamax.program;

import dev.panamax.sys.internal.SyscallTable;
import dev.panamax.trampoline.ProgramLayout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A struct argument that points to other memory (sock_fprog) is laid out with the pointee's address. */
@SuppressWarnings("restricted") // the test reads native memory and loads a filter itself
class StructWithPointersTest {

    @Test
    void thePointerFieldHoldsTheAddressOfThePointee() {
        byte[] filter = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        byte[] fprog = new byte[16];
        fprog[0] = 2;
        Arg arg = new Arg.StructWithPointers(fprog, Map.of(8, new Arg.Struct(filter, "2 instructions")), "len=2");
        ChildProgram program = new ChildProgram(List.of(Step.of("load", "seccomp", new Arg.Word(1), new Arg.Word(0), arg)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment base = ProgramImage.place(program, arena, 2, SyscallTable.nativeTable());
            long structAddress = base.get(ValueLayout.JAVA_LONG, ProgramLayout.HEADER_SIZE + ProgramLayout.argOffset(2));
            MemorySegment struct = MemorySegment.ofAddress(structAddress).reinterpret(16);
            assertEquals(2, struct.get(ValueLayout.JAVA_SHORT, 0));
            MemorySegment pointee = MemorySegment.ofAddress(struct.get(ValueLayout.JAVA_LONG, 8)).reinterpret(16);
            assertArrayEquals(filter, pointee.toArray(ValueLayout.JAVA_BYTE));
        }
        assertEquals("{len=2}", arg.render());
    }

    @Test
    void pointerFieldsMustBeAlignedWordsToMemory() {
        Arg target = new Arg.Buffer(8);
        assertThrows(IllegalArgumentException.class, () -> new Arg.StructWithPointers(new byte[16], Map.of(4, target), ""));
        assertThrows(IllegalArgumentException.class, () -> new Arg.StructWithPointers(new byte[16], Map.of(16, target), ""));
        assertThrows(IllegalArgumentException.class,
                () -> new Arg.StructWithPointers(new byte[16], Map.of(8, new Arg.Word(5)), ""));
    }
}
