package dev.panamax.trampoline;

import dev.panamax.sys.internal.SyscallTable;

/**
 * A CPU architecture the launcher can target: everything that differs between architectures and is not
 * in the spec. The spec compiler takes one (with a {@code Host}), so that a plan for another architecture
 * is a plain computation: an arm64 plan on an x86-64 machine, and the reverse.
 *
 * <pre>{@code
 * Arch arch = Arch.current();                 // x86-64 or arm64, else UnsupportedOperationException
 * int nr = Arch.AARCH64.syscalls().number("mount").orElseThrow();   // 40
 * }</pre>
 */
public final class Arch {

    /** {@code EM_X86_64} of {@code <elf.h>}. */
    private static final int EM_X86_64 = 62;
    /** {@code EM_AARCH64} of {@code <elf.h>}. */
    private static final int EM_AARCH64 = 183;

    /** x86-64 (amd64). */
    public static final Arch X86_64 = new Arch("x86_64", SyscallTable.forOsArch("x86_64"), EM_X86_64);

    /** arm64 (AArch64). */
    public static final Arch AARCH64 = new Arch("aarch64", SyscallTable.forOsArch("aarch64"), EM_AARCH64);

    private final String name;
    private final SyscallTable syscalls;
    private final int elfMachine;

    private Arch(String name, SyscallTable syscalls, int elfMachine) {
        this.name = name;
        this.syscalls = syscalls;
        this.elfMachine = elfMachine;
    }

    /**
     * The architecture this JVM runs on.
     *
     * @return the architecture of {@code os.arch}
     * @throws UnsupportedOperationException on a CPU architecture Panamax does not know
     */
    public static Arch current() {
        return of(System.getProperty("os.arch"));
    }

    /**
     * The architecture that the {@code os.arch} property (or {@code uname -m}) calls {@code osArch}.
     *
     * @param osArch {@code amd64} or {@code x86_64}; {@code aarch64} or {@code arm64}
     * @return that architecture
     * @throws UnsupportedOperationException on a CPU architecture Panamax does not know
     */
    public static Arch of(String osArch) {
        return switch (String.valueOf(osArch)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new UnsupportedOperationException("Panamax knows x86-64 (amd64, x86_64) and arm64"
                    + " (aarch64, arm64) only; not " + osArch);
        };
    }

    /** The kernel's name for it, as {@code uname -m} prints it: {@code x86_64}, {@code aarch64}. */
    public String name() {
        return name;
    }

    /** Its system call names and numbers. */
    public SyscallTable syscalls() {
        return syscalls;
    }

    /** The {@code AUDIT_ARCH_*} value the kernel puts in {@code seccomp_data.arch}. */
    public int auditArch() {
        return syscalls.auditArch();
    }

    /** The {@code e_machine} of its ELF files (the setup executable's). */
    public int elfMachine() {
        return elfMachine;
    }

    /** The child-program interpreter's machine code and entries ({@code X86_64Code}, {@code Aarch64Code}).
     * Only a launch maps it: a plan needs none. */
    MachineCode code() {
        return MachineCode.forElfMachine(elfMachine);
    }

    @Override
    public String toString() {
        return name;
    }
}
