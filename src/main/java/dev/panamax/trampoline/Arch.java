package dev.panamax.trampoline;

import dev.panamax.sys.internal.SyscallTable;

/**
 * A CPU architecture the launcher can target: everything that differs between architectures and is not
 * in the spec. The spec compiler takes one (with a {@code Host}), so that a plan for another architecture
 * is a plain computation; only x86-64 exists so far.
 *
 * <pre>{@code
 * Arch arch = Arch.current();                 // x86-64, or UnsupportedOperationException
 * int nr = arch.syscalls().number("mount").orElseThrow();
 * }</pre>
 */
public final class Arch {

    /** {@code EM_X86_64} of {@code <elf.h>}. */
    private static final int EM_X86_64 = 62;

    /** x86-64 (amd64). */
    public static final Arch X86_64 = new Arch("x86_64", SyscallTable.forOsArch("x86_64"), EM_X86_64);

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
     * @throws UnsupportedOperationException on a CPU architecture without an interpreter
     */
    public static Arch current() {
        return of(System.getProperty("os.arch"));
    }

    /**
     * The architecture that the {@code os.arch} property calls {@code osArch}.
     *
     * @throws UnsupportedOperationException on a CPU architecture without an interpreter
     */
    public static Arch of(String osArch) {
        if (!osArch.equals("amd64") && !osArch.equals("x86_64")) {
            throw new UnsupportedOperationException("Panamax has a child-program interpreter for x86-64 only;"
                    + " this JVM runs on " + osArch);
        }
        return X86_64;
    }

    /** The kernel's name for it, as {@code uname -m} prints it: {@code x86_64}. */
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

    /** The child-program interpreter's machine code and entries ({@code X86_64Code}, {@code Aarch64Code}). */
    MachineCode code() {
        return MachineCode.forElfMachine(elfMachine);
    }

    @Override
    public String toString() {
        return name;
    }
}
