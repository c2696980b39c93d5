package dev.panamax.trampoline;

/**
 * The memory layout of a child program, shared by the code that writes it (the launch layer) and the
 * machine code that reads it (x86-64's and arm64's alike). All words are 64-bit little-endian.
 *
 * <pre>
 * header  +0  step count
 *         +8  error pipe fd (write end, as numbered in the child)
 *         +16 failure record written by the child: u32 step index, u32 errno, u64 raw result
 *         +32 signal mask blocked around clone3 (all ones)
 *         +40 the launching thread's signal mask, saved by the entry and restored in the parent
 *         +48 index of this image's first step in the whole program (steps run in a stage of their own
 *             are numbered as in the whole program, so failure records need no translation)
 *         +56 status pipe fd for the init (the command's wait status is written there), or -1
 * step i  at HEADER_SIZE + i * STEP_SIZE:
 *         +0  syscall number
 *         +8  six argument words (rdi, rsi, rdx, r10, r8, r9 on x86-64; x0..x5 on arm64)
 *         +56 flags (bit 0: the result must equal the expected word; bit 1: a fork whose parent becomes
 *             the container's init)
 *         +64 expected result
 *         +72 tolerated errnos: bit e set means -e is not a failure (errnos below 64 only)
 *         +80 result destinations: address of a zero-terminated list of addresses that receive
 *             the raw result, or 0
 * </pre>
 * The result destination lets a step feed a later step: {@code socket()} returns a descriptor that
 * the compiler wired into the argument word of the following {@code ioctl()}.
 */
public final class ProgramLayout {
    public static final long HEADER_SIZE = 64;
    public static final long STEP_SIZE = 88;
    public static final long COUNT = 0;
    public static final long ERROR_FD = 8;
    public static final long RECORD_INDEX = 16;
    public static final long RECORD_ERRNO = 20;
    public static final long RECORD_RESULT = 24;
    public static final long RECORD_SIZE = 16;
    public static final long BLOCK_MASK = 32;
    public static final long SAVED_MASK = 40;
    public static final long FIRST_STEP = 48;
    public static final long STATUS_FD = 56;

    public static final long STEP_NR = 0;
    public static final long STEP_ARGS = 8;
    public static final long STEP_FLAGS = 56;
    public static final long STEP_EXPECT = 64;
    public static final long STEP_TOLERATED = 72;
    public static final long STEP_RESULT_DEST = 80;

    /** Flag: a non-error result different from the expected word fails the step (errno reported as 0). */
    public static final long FLAG_EXPECT = 1;

    /**
     * Flag: the step is a fork ({@code clone(SIGCHLD)}); the child goes on with the next step, the parent
     * (result &gt; 0, the child's pid) becomes the container's init and never runs another step.
     */
    public static final long FLAG_INIT_FORK = 2;

    /** Where the setup executable maps its code (read-execute). */
    public static final long CODE_ADDRESS = 0x400000;

    /** Where the setup executable maps the program image (read-write); the code's entry loads this address. */
    public static final long IMAGE_ADDRESS = 0x1000000;

    private ProgramLayout() {}

    /** Offset of argument {@code i} (0..5) within a step. */
    public static long argOffset(int i) {
        if (i < 0 || i > 5) {
            throw new IllegalArgumentException("argument index " + i + " is not in 0..5");
        }
        return STEP_ARGS + 8L * i;
    }
}
