package dev.panamax.sys.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The structs as the kernel reads them (x86-64, little-endian), written out field by field. */
class KernelStructsTest {

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void openHow() {
        assertArrayEquals(le(24).putLong(0x290000).putLong(0644).putLong(0x18).array(),
                KernelStructs.openHow(0x290000, 0644, 0x18));
    }

    @Test
    void mountAttr() {
        assertArrayEquals(le(32).putLong(1).putLong(0x70).putLong(1 << 18).putLong(5).array(),
                KernelStructs.mountAttr(1, 0x70, 1 << 18, 5));
        assertEquals(Bindings.constant("MOUNT_ATTR_SIZE_VER0"), KernelStructs.mountAttr(0, 0, 0, 0).length);
    }

    @Test
    void capabilityHeaderAndData() {
        assertArrayEquals(le(8).putInt(0x20080522).putInt(0).array(), KernelStructs.capHeader(0x20080522, 0));
        long effective = 0x1_0000_0003L, inheritable = 0x2_0000_0004L;
        assertArrayEquals(le(24).putInt(3).putInt(3).putInt(4).putInt(1).putInt(1).putInt(2).array(),
                KernelStructs.capData(effective, effective, inheritable));
    }

    @Test
    void sockFprogLeavesThePointerToTheProgram() {
        assertArrayEquals(le(16).putShort((short) 300).array(), KernelStructs.sockFprog(300));
        assertEquals(8, KernelStructs.OFFSETOF_SOCK_FPROG_FILTER);
    }

    @Test
    void rlimitIsTheKernelsRlimit64() {
        assertArrayEquals(le(16).putLong(1024).putLong(-1).array(), KernelStructs.rlimit(1024, -1));
    }

    @Test
    void ifreqNameAndFlags() {
        ByteBuffer expected = le(40).put("lo".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        expected.putShort(16, (short) 1);
        assertArrayEquals(expected.array(), KernelStructs.ifreqFlags("lo", 1));
        assertThrows(IllegalArgumentException.class, () -> KernelStructs.ifreqFlags("sixteen-bytes-xx", 1));
    }

    @Test
    void gids() {
        assertArrayEquals(le(8).putInt(10).putInt(-2).array(), KernelStructs.gids(List.of(10L, 0xFFFF_FFFEL)));
    }

    /** The hand layout: arch/x86/include/uapi/asm/signal.h, {@code struct sigaction} of the kernel. */
    @Test
    void kernelSigactionLayout() {
        var l = KernelStructs.KERNEL_SIGACTION;
        assertEquals(32, l.byteSize());
        assertEquals(0, l.byteOffset(groupElement("sa_handler")));
        assertEquals(8, l.byteOffset(groupElement("sa_flags")));
        assertEquals(16, l.byteOffset(groupElement("sa_restorer")));
        assertEquals(24, l.byteOffset(groupElement("sa_mask")));
        assertEquals(KernelStructs.SIZEOF_KERNEL_SIGSET, l.select(groupElement("sa_mask")).byteSize());
        assertArrayEquals(new byte[32], KernelStructs.kernelSigaction(0));
        assertArrayEquals(le(32).putLong(1).array(), KernelStructs.kernelSigaction(1));
        assertEquals(8, KernelStructs.SIZEOF_KERNEL_SIGSET);
        assertArrayEquals(new byte[8], KernelStructs.emptyKernelSigset());
    }
}
