package dev.panamax.trampoline;

import dev.panamax.sys.Errno;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
 * The arm64 interpreter runs for real: a setup executable built for arm64 ({@link Aarch64Code} and a
 * hand-laid program image) is executed by {@code qemu-aarch64-static} (user-mode emulation, Debian package
 * qemu-user-static, installed by .ci/deps) on this host. Its ELF entry, the interpreter's steps, result
 * destinations, tolerated errnos, the failure record, {@code exit_group(127)} and the init (fork, signal
 * forwarding, reaping, the wait status, the exit code) are checked through its stdout and exit status. The
 * clone entries need an arm64 JVM: the arm64 VM leg runs them.
 */
@Tag("kernel")
class Aarch64SetupExecutableTest {
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
        assumeTrue(Files.isExecutable(QEMU), QEMU + " (Debian package qemu-user-static, installed by .ci/deps)"
                + " is missing: the arm64 interpreter is not run");
        byte[] program = image.bytes();
        byte[] header = SetupExecutable.header(MachineCode.AARCH64, program.length);
        Path dir = Files.createTempDirectory("pmx-a64code");
        Path exe = dir.resolve("panamax-setup");
        Path err = dir.resolve("stderr");
        try {
            byte[] file = Arrays.copyOf(header, header.length + program.length);
            System.arraycopy(program, 0, file, header.length, program.length);
            Files.write(exe, file);
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
            Process p = new ProcessBuilder(QEMU.toString(), exe.toString()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the arm64 setup executable did not end in 30 s");
            }
            return new Outcome(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(exe);
            Files.deleteIfExists(err);
            Files.delete(dir);
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
