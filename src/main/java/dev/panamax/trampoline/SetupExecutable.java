package dev.panamax.trampoline;

import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The setup executable: a minimal static ELF file holding the interpreter of this machine's architecture
 * ({@link X86_64Code}, {@link Aarch64Code}) and one launch's program image, written into a sealed memfd. The child of a launch {@code execveat}s it first
 * thing, so that every setup step after that runs in a fresh address space of a few pages that shares
 * nothing with the JVM: the kernel can then charge, limit or OOM-kill it like any process without touching
 * the JVM (a {@code CLONE_VM} child in a memory cgroup would take the JVM down with it), and it may join a
 * user namespace and outlive the JVM.
 *
 * <pre>
 * file offset 0     ELF header, program headers, then the code   -> CODE_ADDRESS, read-execute
 * file offset P     the program image (relocated to IMAGE_ADDRESS) -> IMAGE_ADDRESS, read-write
 * </pre>
 * P is the architecture's largest page size (4 KiB on x86-64, 64 KiB on arm64, whose kernels may use 4, 16
 * or 64 KiB pages): a segment's file offset and address must agree modulo the page size.
 *
 *
 * <pre>{@code
 * int fd = SetupExecutable.open();                                  // O_CLOEXEC
 * SetupExecutable.fill(fd, image);    // the ELF file with the image at IMAGE_ADDRESS, then sealed
 * }</pre>
 */
public final class SetupExecutable {
    /** Where the code starts in the file (and, relative to CODE_ADDRESS, in memory). */
    static final int CODE_OFFSET = 256;
    private static final int ELF_HEADER = 64;
    private static final int PROGRAM_HEADER = 56;

    private static final int PT_LOAD = 1;
    private static final int PT_GNU_STACK = 0x6474e551;
    private static final int PF_X = 1;
    private static final int PF_W = 2;
    private static final int PF_R = 4;

    private SetupExecutable() {
    }

    /**
     * The first page of the file: ELF header, program headers, {@code code}; the image follows at offset
     * {@code code.maxPageSize()}, the size of the returned array.
     */
    static byte[] header(MachineCode code, int imageSize) {
        int page = code.maxPageSize();
        ByteBuffer b = ByteBuffer.allocate(page).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* little-endian */, 1 /* version */, 0 /* SysV */});
        b.position(16);
        b.putShort((short) 2);                  // e_type ET_EXEC
        b.putShort((short) code.elfMachine());  // e_machine
        b.putInt(1);                            // e_version
        b.putLong(ProgramLayout.CODE_ADDRESS + CODE_OFFSET + code.elfEntry()); // e_entry
        b.putLong(ELF_HEADER);                  // e_phoff
        b.putLong(0);                           // e_shoff: no sections
        b.putInt(0);                            // e_flags
        b.putShort((short) ELF_HEADER);         // e_ehsize
        b.putShort((short) PROGRAM_HEADER);     // e_phentsize
        b.putShort((short) 3);                  // e_phnum
        b.putShort((short) 64);                 // e_shentsize
        b.putShort((short) 0);                  // e_shnum
        b.putShort((short) 0);                  // e_shstrndx
        segment(b, page, PT_LOAD, PF_R | PF_X, 0, ProgramLayout.CODE_ADDRESS, CODE_OFFSET + code.bytes().length);
        segment(b, page, PT_LOAD, PF_R | PF_W, page, ProgramLayout.IMAGE_ADDRESS, imageSize);
        segment(b, page, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0);   // a non-executable stack
        b.position(CODE_OFFSET).put(code.bytes());
        return b.array();
    }

    private static void segment(ByteBuffer b, int page, int type, int flags, long offset, long address, long size) {
        b.putInt(type);
        b.putInt(flags);
        b.putLong(offset);
        b.putLong(address);
        b.putLong(address);     // p_paddr
        b.putLong(size);        // p_filesz
        b.putLong(size);        // p_memsz
        b.putLong(type == PT_LOAD ? page : 16);
    }

    /**
     * An empty close-on-exec memfd for a setup executable; {@link #fill} writes and seals it. Two calls so
     * that the program can name the memfd's descriptor before the image is laid out.
     *
     * @throws ErrnoException naming memfd_create and the errno
     */
    public static int open() {
        return memfd();
    }

    /**
     * Writes the ELF file for {@code image} (relocated to {@link ProgramLayout#IMAGE_ADDRESS}) into
     * {@code fd} and seals it against any change (write, grow, shrink, new seals), so nothing that can reach
     * it later (through {@code /proc/PID/exe}) can alter what a child runs.
     *
     * @throws ErrnoException naming write or fcntl and the errno
     */
    public static void fill(int fd, RelocatableImage image) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] header = header(Arch.current().code(), image.size());
            long size = header.length + image.size();
            MemorySegment file = arena.allocate(size);
            MemorySegment.copy(MemorySegment.ofArray(header), 0, file, 0, header.length);
            image.writeAt(file.asSlice(header.length), ProgramLayout.IMAGE_ADDRESS);
            for (long done = 0; done < size; ) {
                done += Libc.write(fd, file.asSlice(done), size - done);
            }
        }
        Libc.fcntl(fd, Abi.F_ADD_SEALS, Abi.F_SEAL_SEAL | Abi.F_SEAL_SHRINK | Abi.F_SEAL_GROW | Abi.F_SEAL_WRITE);
    }

    /** Set once a kernel refused MFD_EXEC (before 6.3): ask without it from then on. */
    private static volatile boolean noMfdExec;

    /** MFD_EXEC where the kernel knows it (6.3+, which warns without it); plain on older kernels. */
    private static int memfd() {
        int flags = Abi.MFD_CLOEXEC | Abi.MFD_ALLOW_SEALING;
        if (!noMfdExec) {
            try {
                return Libc.memfdCreate("panamax-setup", flags | Abi.MFD_EXEC);
            } catch (ErrnoException e) {
                if (!e.errnoName().equals("EINVAL")) {
                    throw e;
                }
                noMfdExec = true;
            }
        }
        return Libc.memfdCreate("panamax-setup", flags);
    }

    /** The image address this machine's code entry loads (checked against {@link ProgramLayout#IMAGE_ADDRESS}). */
    public static long entryImageAddress() {
        return Arch.current().code().imageAddress();
    }
}
