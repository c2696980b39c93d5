package dev.panamax.sys.internal;

import dev.panamax.bindings.linux_h;

/**
 * The constants of the bindings that the sys layer uses and whose value differs between x86-64 and aarch64
 * (arm64), each a {@link Flag} with both values: the one place that reads them. {@code headers/regenerate}
 * generates the x86-64 values into {@code dev.panamax.bindings.linux_h} and the aarch64 values of every constant
 * that differs into {@code dev.panamax.bindings.aarch64.linux_h}. The running JVM takes {@link Flag#value()}
 * ({@link Abi} re-exports those); a child program takes its target's, {@link Flag#value(String)}.
 *
 * <pre>{@code
 * long nr = ArchConstants.SYS_pivot_root.value("aarch64");   // 41 (155 on x86-64)
 * int dir = (int) ArchConstants.O_DIRECTORY.value();         // the running architecture's O_DIRECTORY
 * }</pre>
 */
public final class ArchConstants {
    private ArchConstants() {}

    /** The kernel's name ({@code uname -m}) of x86-64. */
    public static final String X86_64 = "x86_64";
    /** The kernel's name ({@code uname -m}) of arm64. */
    public static final String AARCH64 = "aarch64";

    /** The kernel's name of the architecture this JVM runs on: {@link #X86_64}, {@link #AARCH64}, or another. */
    public static final String RUNNING = name(System.getProperty("os.arch"));

    // open(2) flags: <asm/fcntl.h> of arm64 swaps O_DIRECTORY/O_NOFOLLOW with O_DIRECT/O_LARGEFILE
    public static final Flag O_DIRECTORY = new Flag("O_DIRECTORY",
            linux_h.O_DIRECTORY(), dev.panamax.bindings.aarch64.linux_h.O_DIRECTORY());
    public static final Flag O_NOFOLLOW = new Flag("O_NOFOLLOW",
            linux_h.O_NOFOLLOW(), dev.panamax.bindings.aarch64.linux_h.O_NOFOLLOW());

    // syscall numbers the JVM calls through syscall(2): arm64 uses the generic table (asm-generic/unistd.h)
    public static final Flag SYS_exit_group = new Flag("SYS_exit_group",
            linux_h.SYS_exit_group(), dev.panamax.bindings.aarch64.linux_h.SYS_exit_group());
    public static final Flag SYS_ioctl = new Flag("SYS_ioctl",
            linux_h.SYS_ioctl(), dev.panamax.bindings.aarch64.linux_h.SYS_ioctl());
    public static final Flag SYS_kill = new Flag("SYS_kill",
            linux_h.SYS_kill(), dev.panamax.bindings.aarch64.linux_h.SYS_kill());
    public static final Flag SYS_pivot_root = new Flag("SYS_pivot_root",
            linux_h.SYS_pivot_root(), dev.panamax.bindings.aarch64.linux_h.SYS_pivot_root());
    public static final Flag SYS_waitid = new Flag("SYS_waitid",
            linux_h.SYS_waitid(), dev.panamax.bindings.aarch64.linux_h.SYS_waitid());

    /**
     * The kernel's name of the architecture the {@code os.arch} property calls {@code osArch}.
     *
     * @param osArch {@code amd64} or {@code x86_64}; {@code aarch64} or {@code arm64}; or another
     * @return {@link #X86_64} or {@link #AARCH64}, else {@code osArch} itself
     */
    public static String name(String osArch) {
        return switch (osArch) {
            case "amd64", X86_64 -> X86_64;
            case "arm64", AARCH64 -> AARCH64;
            default -> osArch;
        };
    }
}
