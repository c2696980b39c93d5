package dev.panamax.trampoline;

import dev.panamax.program.Arg;
import dev.panamax.program.ChildProgram;
import dev.panamax.program.ProgramImage;
import dev.panamax.program.Step;
import dev.panamax.sys.Errno;
import dev.panamax.sys.internal.SyscallTable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The arm64 interpreter runs for real under {@code qemu-aarch64-static} (user-mode emulation, Debian package
 * qemu-user-static, installed by .ci/deps) on this host. A setup executable built for arm64
 * ({@link Aarch64Code} and a hand-laid program image) checks the ELF entry, the interpreter's steps, result
 * destinations, tolerated errnos, the failure record, {@code exit_group(127)} and the init (fork, signal
 * forwarding, reaping, the wait status, the exit code) through its stdout and exit status. A small static
 * arm64 program that calls the two clone entries as a function, as the JVM does, checks what the parent
 * gets back. CLONE_VM is the arm64 VM leg's (qemu-user has no CLONE_VM child but a thread).
 */
@Tag("kernel")
class Aarch64InterpreterTest {
    private static final Path QEMU = Path.of("/usr/bin/qemu-aarch64-static");
    private static final int SIG_SETMASK = 2;
    private static final int SIGCHLD = 17;
    private static final int SIGUSR1 = 10;
    private static final int AT_FDCWD = -100;

    @Test
    void stepsRunInOrderFeedingTheirResultsToLaterSteps() throws Exception {
        Image p = new Image(2, -1, 0);
        int open = p.step("openat", AT_FDCWD, p.string("/dev/null"), 0);
        int close = p.step("close", 0);
        int again = p.step("close", 0);
        p.feed(open, close, 0);
        p.feed(open, again, 0);
        p.tolerate(again, Errno.number("EBADF"));
        int write = p.step("write", 1, p.string("hello from arm64\n"), 17);
        p.expect(write, 17);
        p.step("exit_group", 3);
        Outcome o = run(p);
        assertEquals("hello from arm64\n", o.text(), "the second close's EBADF was tolerated: " + o);
        assertEquals(3, o.exit(), o.toString());
    }

    @Test
    void aFailingStepWritesItsRecordAndTheProgramExits127() throws Exception {
        Image p = new Image(1, -1, 10);
        p.step("getpid");
        p.step("close", -1);
        p.step("exit_group", 0);
        Outcome o = run(p);
        assertEquals(127, o.exit(), o.toString());
        assertEquals(16, o.stdout().length, "one failure record: " + o);
        ByteBuffer record = o.buffer();
        assertEquals(11, record.getInt(0), "the index in the whole program (this image starts at 10)");
        assertEquals(Errno.number("EBADF"), record.getInt(4));
        assertEquals(-Errno.number("EBADF"), record.getLong(8), "the raw result");
    }

    @Test
    void anUnexpectedResultFailsWithErrnoZeroAndTheValue() throws Exception {
        Image p = new Image(1, -1, 0);
        p.expect(p.step("getpid"), -5);
        p.step("exit_group", 0);
        Outcome o = run(p);
        assertEquals(127, o.exit(), o.toString());
        ByteBuffer record = o.buffer();
        assertEquals(0, record.getInt(0));
        assertEquals(0, record.getInt(4));
        assertTrue(record.getLong(8) > 0, "the pid: " + o);
    }

    @Test
    void aProgramThatRunsOutOfStepsReportsItsEnd() throws Exception {
        Image p = new Image(1, -1, 4);
        p.step("getpid");
        Outcome o = run(p);
        assertEquals(127, o.exit(), o.toString());
        ByteBuffer record = o.buffer();
        assertEquals(5, record.getInt(0), "the index past the last step");
        assertEquals(0, record.getInt(4));
        assertEquals(0, record.getLong(8));
    }

    @Test
    void theInitReportsTheCommandsStatusAndExitsWithItsCode() throws Exception {
        Image p = new Image(2, 1, 0);
        p.step("rt_sigprocmask", SIG_SETMASK, Image.ADDRESS + ProgramLayout.BLOCK_MASK, 0, 8);
        p.forkInit(p.step("clone", SIGCHLD, 0, 0, 0, 0));
        p.step("write", 1, p.string("command\n"), 8);
        p.step("exit_group", 3);
        Outcome o = run(p);
        assertEquals(3, o.exit(), "the init exits with the command's code: " + o);
        assertEquals(8 + 4, o.stdout().length, o.toString());
        assertEquals("command\n", o.text().substring(0, 8));
        assertEquals(3 << 8, o.buffer().getInt(8), "the command's wait status, written by the init");
    }

    @Test
    void theInitForwardsASignalToTheCommandAndExitsWith128PlusIt() throws Exception {
        Image p = new Image(2, 1, 0);
        p.step("rt_sigprocmask", SIG_SETMASK, Image.ADDRESS + ProgramLayout.BLOCK_MASK, 0, 8);
        p.forkInit(p.step("clone", SIGCHLD, 0, 0, 0, 0));
        int parent = p.step("getppid");
        int kill = p.step("kill", 0, SIGUSR1);
        p.feed(parent, kill, 0);
        p.step("rt_sigprocmask", SIG_SETMASK, p.words(0), 0, 8);
        p.step("ppoll", 0, 0, 0, 0, 8); // until the forwarded SIGUSR1 ends the command
        p.step("exit_group", 0);
        Outcome o = run(p);
        assertEquals(128 + SIGUSR1, o.exit(), "the init's SIGUSR1 went to the command, which it killed: " + o);
        assertEquals(4, o.stdout().length, o.toString());
        assertEquals(SIGUSR1, o.buffer().getInt(0), "the wait status of a death by SIGUSR1");
    }

    /**
     * A program compiled as the launcher compiles one (steps, symbolic results, strings), encoded for arm64
     * with arm64's syscall table, runs in the arm64 setup executable; a failing one is decoded into its step.
     */
    @Test
    void aProgramEncodedForArm64RunsAndItsFailureNamesTheStep() throws Exception {
        SyscallTable arm64 = SyscallTable.forOsArch("aarch64");
        List<Step> steps = List.of(
                Step.of("open /dev/null", "openat", new Arg.Word(AT_FDCWD), new Arg.CString("/dev/null"),
                        new Arg.Word(0)).savingAs("fd"),
                Step.of("close it", "close", new Arg.Result("fd")),
                Step.of("say hello", "write", new Arg.Word(1), new Arg.CString("hello\n"), new Arg.Word(6)).expecting(6),
                Step.of("close it again", "close", new Arg.Result("fd")),
                Step.of("exit", "exit_group", new Arg.Word(5)));
        ChildProgram program = new ChildProgram(steps);
        Outcome o = run(ProgramImage.encode(program, 0, steps.size(), 1, -1, arm64, i -> false));
        assertEquals(127, o.exit(), o.toString());
        assertEquals("hello\n", o.text().substring(0, 6), o.toString());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment record = arena.allocate(16, 8);
            MemorySegment.copy(MemorySegment.ofArray(o.stdout()), 6, record, 0, 16);
            ProgramImage.StepFailure failure = ProgramImage.decode(program, record);
            assertEquals("close it again", failure.step().what(), o.toString());
            assertEquals("EBADF", Errno.name(failure.errno()));
        }
        ChildProgram exits = new ChildProgram(List.of(steps.get(2), steps.get(4)));
        Outcome clean = run(ProgramImage.encode(exits, 0, 2, 1, -1, arm64, i -> false));
        assertEquals("hello\n", clean.text(), clean.toString());
        assertEquals(5, clean.exit(), clean.toString());
    }

    /**
     * The arm64 entries called as a function (AAPCS64), by a static harness linked with the code: each blocks
     * every signal, clones a child that runs the program (it writes its signal mask, then exits 7), and
     * returns the pid with the caller's mask, callee-saved registers and stack pointer as they were. qemu 7.2
     * has no clone3: there the entry returns -ENOSYS (after restoring the mask), and clone_entry clones.
     */
    @Test
    void theEntriesCloneAChildWithEverySignalBlockedAndReturnItsPidKeepingTheCallersState() throws Exception {
        assumeTrue(MachineCodeSourceTest.onPath("aarch64-linux-gnu-as") && MachineCodeSourceTest.onPath("aarch64-linux-gnu-ld"),
                "aarch64-linux-gnu-as and -ld (binutils-aarch64-linux-gnu, installed by .ci/deps) are missing: no harness");
        Map<String, Integer> nr = MachineCodeSourceTest.arm64Numbers();
        Path dir = Files.createTempDirectory("pmx-a64code");
        try {
            Files.write(dir.resolve("code.bin"), Aarch64Code.CODE);
            Files.writeString(dir.resolve("harness.s"), HARNESS.formatted(nr.get("rt_sigprocmask"), nr.get("wait4"),
                    nr.get("write"), nr.get("exit_group"), MachineCode.AARCH64.cloneEntry()));
            MachineCodeSourceTest.run(dir, "aarch64-linux-gnu-as", "-o", "harness.o", "harness.s");
            MachineCodeSourceTest.run(dir, "aarch64-linux-gnu-ld", "-static", "-o", "harness", "harness.o");
            Outcome o = execute(dir.resolve("harness"));
            assertEquals(0, o.exit(), o.toString());
            ByteBuffer b = o.buffer();
            int reports = o.stdout().length - 2 * REPORT;
            long clone3 = b.getLong(reports);
            long clone = b.getLong(reports + REPORT);
            assertTrue(clone3 > 0 || clone3 == -Errno.number("ENOSYS"), "clone3's pid or ENOSYS: " + o);
            assertTrue(clone > 0, "clone's pid: " + o);
            int children = clone3 > 0 ? 2 : 1;
            assertEquals(8 * children, reports, "each child wrote its mask: " + o);
            for (int child = 0; child < children; child++) {
                long standard = 0x7fffffffL & ~(1L << 8) & ~(1L << 18); // signals 1..31 but SIGKILL and SIGSTOP
                assertEquals(standard, b.getLong(8 * child) & standard, "the child runs with every signal blocked: " + o);
            }
            for (int at : new int[] {reports, reports + REPORT}) {
                for (int r = 19; r <= 28; r++) {
                    assertEquals(Long.parseLong(r + "" + r, 16), b.getLong(at + 8 * (r - 18)), "x" + r + " kept: " + o);
                }
                assertEquals(b.getLong(at + 88), b.getLong(at + 96), "sp as before the call: " + o);
                assertEquals(0x800, b.getLong(at + 104), "the caller's mask (SIGUSR2) restored: " + o);
                if (b.getLong(at) > 0) {
                    assertEquals(7 << 8, b.getInt(at + 112), "the child ran the program to its exit_group(7): " + o);
                }
            }
        } finally {
            for (String f : new String[] {"code.bin", "harness.s", "harness.o", "harness"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.delete(dir);
        }
    }

    /** Bytes the harness reports per entry: result, x19..x28, sp before, sp after, mask, wait status, padding. */
    private static final int REPORT = 120;

    /**
     * Calls {@code entry} then {@code clone_entry} (offset %5$d) with callee-saved sentinels (x19..x28 =
     * 0x1919..0x2828) and a mask of SIGUSR2; after each call it records the result, the registers, sp, the
     * mask and the child's wait status, and writes both records at the end. The child's program: write its
     * mask to stdout, exit 7. Numbers: rt_sigprocmask %1$d, wait4 %2$d, write %3$d, exit_group %4$d.
     */
    private static final String HARNESS = """
                .macro call_entry offset, out
                ldr x0, =args
                mov x1, #88
                ldr x2, =program
                ldr x16, =trampoline + \\offset
                mov x29, sp
                blr x16
                ldr x1, =\\out
                str x0, [x1]
                stp x19, x20, [x1, #8]
                stp x21, x22, [x1, #24]
                stp x23, x24, [x1, #40]
                stp x25, x26, [x1, #56]
                stp x27, x28, [x1, #72]
                str x29, [x1, #88]
                mov x2, sp
                str x2, [x1, #96]
                mov x8, #%1$d
                mov x0, #0
                mov x1, #0
                ldr x2, =\\out + 104
                mov x3, #8
                svc #0
                ldr x1, =\\out
                ldr x0, [x1]
                cmp x0, #0
                b.le 1f
                mov x8, #%2$d
                ldr x1, =\\out + 112
                mov x2, #0
                mov x3, #0
                svc #0
            1:
                .endm

                .text
                .global _start
            _start:
                mov x8, #%1$d
                mov x0, #2
                ldr x1, =caller_mask
                mov x2, #0
                mov x3, #8
                svc #0
                mov x19, #0x1919
                mov x20, #0x2020
                mov x21, #0x2121
                mov x22, #0x2222
                mov x23, #0x2323
                mov x24, #0x2424
                mov x25, #0x2525
                mov x26, #0x2626
                mov x27, #0x2727
                mov x28, #0x2828
                call_entry 0, out_entry
                call_entry %5$d, out_clone_entry
                mov x8, #%3$d
                mov x0, #1
                ldr x1, =out_entry
                mov x2, #240
                svc #0
                mov x8, #%4$d
                mov x0, #0
                svc #0
                .ltorg
                .balign 8
            trampoline:
                .incbin "code.bin"

                .data
                .balign 8
            caller_mask: .quad 0x800
            args: // struct clone_args: no flags (qemu-user forks), exit signal SIGCHLD, a stack of 16 KiB
                .quad 0, 0, 0, 0, 17, stack, 16384, 0, 0, 0, 0
            program: // header: 3 steps, error fd 1, record, all-ones mask, saved mask, first step 0, no status fd
                .quad 3, 1, 0, 0, -1, 0, 0, -1
                .quad %1$d, 0, 0, child_mask, 8, 0, 0, 0, 0, 0, 0
                .quad %3$d, 1, child_mask, 8, 0, 0, 0, 0, 0, 0, 0
                .quad %4$d, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0
            child_mask: .quad 0
            out_entry: .fill 15, 8, 0
            out_clone_entry: .fill 15, 8, 0
                .bss
                .balign 16
            stack: .skip 16384
            """;

    /** What the setup executable printed on stdout, how it exited, and its stderr (qemu's messages). */
    record Outcome(int exit, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(stdout).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public String toString() {
            return "exit " + exit + ", stdout " + java.util.HexFormat.of().formatHex(stdout) + ", stderr " + stderr;
        }
    }

    /** Writes the arm64 setup executable for {@code image} and runs it under qemu-aarch64-static. */
    private static Outcome run(Image image) throws Exception {
        byte[] program = image.bytes();
        return run(new RelocatableImage() {
            @Override
            public int size() {
                return program.length;
            }

            @Override
            public void writeAt(MemorySegment target, long address) {
                assertEquals(Image.ADDRESS, address, "a hand-laid image is laid out for IMAGE_ADDRESS");
                MemorySegment.copy(MemorySegment.ofArray(program), 0, target, 0, program.length);
            }
        });
    }

    /** Writes the arm64 setup executable for {@code image}, as SetupExecutable.fill does, and runs it. */
    private static Outcome run(RelocatableImage image) throws Exception {
        byte[] header = SetupExecutable.header(MachineCode.AARCH64, image.size());
        byte[] file = Arrays.copyOf(header, header.length + image.size());
        image.writeAt(MemorySegment.ofArray(file).asSlice(header.length), ProgramLayout.IMAGE_ADDRESS);
        Path dir = Files.createTempDirectory("pmx-a64code");
        Path exe = dir.resolve("panamax-setup");
        try {
            Files.write(exe, file);
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
            return execute(exe);
        } finally {
            Files.deleteIfExists(exe);
            Files.delete(dir);
        }
    }

    /** Runs the arm64 executable {@code exe} under qemu-aarch64-static. */
    private static Outcome execute(Path exe) throws Exception {
        assumeTrue(Files.isExecutable(QEMU), QEMU + " (Debian package qemu-user-static, installed by .ci/deps)"
                + " is missing: the arm64 code is not run");
        Path err = exe.resolveSibling("stderr");
        try {
            Process p = new ProcessBuilder(QEMU.toString(), exe.toString()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(exe + " did not end in 30 s");
            }
            return new Outcome(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** A program image laid out by hand for arm64 (see {@link ProgramLayout}): header, steps, then their data. */
    static final class Image {
        static final long ADDRESS = ProgramLayout.IMAGE_ADDRESS;
        private static final int DATA = 2048;
        private final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        private final Map<String, Integer> numbers;
        private final int firstStep;
        private int steps;
        private int data = DATA;
        private final Map<Integer, List<Long>> feeds = new TreeMap<>();

        Image(int errorFd, int statusFd, int firstStep) throws IOException {
            this.numbers = MachineCodeSourceTest.arm64Numbers();
            this.firstStep = firstStep;
            b.putLong((int) ProgramLayout.ERROR_FD, errorFd);
            b.putLong((int) ProgramLayout.BLOCK_MASK, -1L);
            b.putLong((int) ProgramLayout.FIRST_STEP, firstStep);
            b.putLong((int) ProgramLayout.STATUS_FD, statusFd);
        }

        /** Adds a step calling {@code call}; returns its index in this image. */
        int step(String call, long... args) {
            int at = offset(steps);
            assertTrue(at + ProgramLayout.STEP_SIZE <= DATA, "too many steps");
            Integer nr = numbers.get(call);
            assertTrue(nr != null, "arm64 has no " + call);
            b.putLong(at, nr);
            for (int i = 0; i < args.length; i++) {
                b.putLong(at + (int) ProgramLayout.argOffset(i), args[i]);
            }
            return steps++;
        }

        void expect(int step, long value) {
            flag(step, ProgramLayout.FLAG_EXPECT);
            b.putLong(offset(step) + (int) ProgramLayout.STEP_EXPECT, value);
        }

        void forkInit(int step) {
            flag(step, ProgramLayout.FLAG_INIT_FORK);
        }

        void tolerate(int step, int errno) {
            int at = offset(step) + (int) ProgramLayout.STEP_TOLERATED;
            b.putLong(at, b.getLong(at) | 1L << errno);
        }

        /** Adds argument {@code arg} of step {@code to} to the result destinations of step {@code from}. */
        void feed(int from, int to, int arg) {
            feeds.computeIfAbsent(from, k -> new ArrayList<>()).add(ADDRESS + offset(to) + ProgramLayout.argOffset(arg));
        }

        /** Copies {@code s} and a NUL into the data area; returns its address. */
        long string(String s) {
            byte[] bytes = (s + "\0").getBytes(StandardCharsets.UTF_8);
            long address = ADDRESS + data;
            b.put(data, bytes);
            data += (bytes.length + 7) & ~7;
            return address;
        }

        /** Copies 64-bit words into the data area; returns their address. */
        long words(long... words) {
            long address = ADDRESS + data;
            for (long w : words) {
                b.putLong(data, w);
                data += 8;
            }
            return address;
        }

        /** The image: the count of steps set and the result destination lists written. */
        byte[] bytes() {
            b.putLong((int) ProgramLayout.COUNT, firstStep + steps);
            feeds.forEach((step, destinations) -> {
                long[] list = Arrays.copyOf(destinations.stream().mapToLong(Long::longValue).toArray(), destinations.size() + 1);
                b.putLong(offset(step) + (int) ProgramLayout.STEP_RESULT_DEST, words(list));
            });
            feeds.clear();
            return Arrays.copyOf(b.array(), data);
        }

        private void flag(int step, long flag) {
            int at = offset(step) + (int) ProgramLayout.STEP_FLAGS;
            b.putLong(at, b.getLong(at) | flag);
        }

        private static int offset(int step) {
            return (int) (ProgramLayout.HEADER_SIZE + step * ProgramLayout.STEP_SIZE);
        }
    }
}
