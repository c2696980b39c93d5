package dev.panamax.trampoline;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One architecture's interpreter: the bytes of {@link X86_64Code} or {@link Aarch64Code} and where their
 * entries are. {@link Arch#code()} picks it by the architecture's ELF machine.
 *
 * @param elfMachine       the {@code e_machine} of the setup executable that holds these bytes
 * @param bytes            the code (shared: never to be changed)
 * @param cloneEntry       offset of {@code clone_entry} (the entry at 0 calls clone3, this one clone)
 * @param elfEntry         offset of {@code elf_entry}, the setup executable's entry point
 * @param imageAddressWord offset of the 8 bytes that {@code elf_entry} loads: {@link ProgramLayout#IMAGE_ADDRESS}
 * @param maxPageSize      the largest page size of the architecture's kernels: the setup executable's segments
 *                         are aligned to it, so that every kernel can map them (arm64 kernels use 4, 16 or
 *                         64 KiB pages)
 */
record MachineCode(int elfMachine, byte[] bytes, int cloneEntry, int elfEntry, int imageAddressWord,
                   int maxPageSize) {

    /** {@code EM_X86_64} of {@code <elf.h>}. */
    static final int EM_X86_64 = 62;
    /** {@code EM_AARCH64} of {@code <elf.h>}. */
    static final int EM_AARCH64 = 183;

    static final MachineCode X86_64 = new MachineCode(EM_X86_64, X86_64Code.CODE, X86_64Code.CLONE_ENTRY,
            X86_64Code.ELF_ENTRY, X86_64Code.ELF_ENTRY_IMAGE_IMMEDIATE, 4096);
    static final MachineCode AARCH64 = new MachineCode(EM_AARCH64, Aarch64Code.CODE, Aarch64Code.CLONE_ENTRY,
            Aarch64Code.ELF_ENTRY, Aarch64Code.IMAGE_ADDRESS_WORD, 65536);

    /**
     * The interpreter for ELF machine {@code elfMachine}.
     *
     * @throws UnsupportedOperationException for a machine without one
     */
    static MachineCode forElfMachine(int elfMachine) {
        return switch (elfMachine) {
            case EM_X86_64 -> X86_64;
            case EM_AARCH64 -> AARCH64;
            default -> throw new UnsupportedOperationException("no child-program interpreter for ELF machine "
                    + elfMachine + "; there is one for x86-64 (" + EM_X86_64 + ") and arm64 (" + EM_AARCH64 + ")");
        };
    }

    /** The image address that {@code elf_entry} loads (checked against {@link ProgramLayout#IMAGE_ADDRESS}). */
    long imageAddress() {
        return MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_LONG_UNALIGNED, imageAddressWord);
    }
}
