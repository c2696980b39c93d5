package dev.panamax.launch;

import dev.panamax.program.Arg;
import dev.panamax.program.ChildProgram;
import dev.panamax.program.ProgramImage;
import dev.panamax.program.Step;
import dev.panamax.sys.Errno;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;
import dev.panamax.sys.internal.SyscallTable;
import dev.panamax.trampoline.ProgramLayout;
import dev.panamax.trampoline.SetupExecutable;
import dev.panamax.trampoline.Trampoline;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The machine-code interpreter on its own: hand-written programs run in a plain CLONE_VM child (no
 * namespaces), each checked through the error pipe and the exit status.
 */
@Tag("kernel")
class InterpreterTest {

    /** What a child reported: a failure record, or null after a successful execve; and its exit status. */
    record Outcome(ProgramImage.StepFailure failure, dev.panamax.ExitStatus status) {
    }

    static Outcome run(List<Step> steps) {
        ChildProgram program = new ChildProgram(steps);
        try (Arena arena = Arena.ofConfined()) {
            int[] err = Libc.pipe2(Abi.O_CLOEXEC);
            MemorySegment image = ProgramImage.place(program, arena, err[1], SyscallTable.nativeTable());
            MemorySegment pidfdOut = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment args = Launch.cloneArgs(arena, Abi.CLONE_VM | Abi.CLONE_PIDFD, pidfdOut, 16384);
            long pid = Trampoline.get().spawn(args, image);
            assertTrue(pid > 0, "clone3: " + pid);
            int pidfd = pidfdOut.get(ValueLayout.JAVA_INT, 0);
            Libc.close(err[1]);
            MemorySegment record = arena.allocate(16, 8);
            long got = 0;
            for (long n; got < 16 && (n = Libc.read(err[0], record.asSlice(got), 16 - got)) > 0; ) {
                got += n;
            }
            Libc.close(err[0]);
            dev.panamax.ExitStatus status = Reaper.get().reapNow(pidfd);
            Libc.close(pidfd);
            return new Outcome(got == 16 ? ProgramImage.decode(program, record) : null, status);
        }
    }

    private static Step getpid() {
        return Step.of("get the pid", "getpid");
    }

    private static Step exec(String path) {
        return Step.of("execute " + path, "execve", new Arg.CString(path), new Arg.CStringArray(List.of(path)),
                new Arg.CStringArray(List.of()));
    }

    @Test
    void aProgramThatExecsReportsNothingAndExitsWithTheProgramsCode() {
        Outcome o = run(List.of(getpid(), getpid(), exec("/bin/true")));
        assertNull(o.failure());
        assertEquals(0, o.status().code());
        assertEquals(1, run(List.of(exec("/bin/false"))).status().code());
    }

    @Test
    void eachFailingStepIsReportedWithItsIndexAndErrno() {
        for (int bad = 0; bad < 5; bad++) {
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                steps.add(i == bad ? Step.of("close a bad fd", "close", new Arg.Word(-1)) : getpid());
            }
            steps.add(exec("/bin/true"));
            Outcome o = run(steps);
            assertEquals(bad, o.failure().index());
            assertEquals("EBADF", Errno.name(o.failure().errno()));
            assertEquals(127, o.status().code(), "the interpreter exits 127 after reporting");
        }
    }

    @Test
    void toleratedErrnosAreSkippedAndOthersAreNot() {
        Outcome o = run(List.of(
                Step.of("try a missing file", "execve", new Arg.CString("/no/such"), new Arg.CStringArray(List.of("x")),
                        new Arg.CStringArray(List.of())).tolerating(Errno.number("ENOENT")),
                exec("/bin/true")));
        assertNull(o.failure(), "ENOENT was tolerated, the second execve ran");
        Outcome strict = run(List.of(Step.of("close a bad fd", "close", new Arg.Word(-1))
                .tolerating(Errno.number("ENOENT")), exec("/bin/true")));
        assertEquals("EBADF", Errno.name(strict.failure().errno()));
    }

    @Test
    void anUnexpectedResultFailsWithErrnoZeroAndTheValue() {
        Outcome o = run(List.of(getpid().expecting(-5), exec("/bin/true")));
        assertEquals(0, o.failure().index());
        assertEquals(0, o.failure().errno());
        assertTrue(o.failure().result() > 0, "the raw result is the child's pid");
    }

    @Test
    void resultsFeedLaterSteps() {
        // open the pipe's read end a second time through /proc, close it via the saved result twice:
        // the second close must fail with EBADF, proving both steps got the same descriptor
        Outcome o = run(List.of(
                Step.of("open /dev/null", "openat", new Arg.Word(-100), new Arg.CString("/dev/null"),
                        new Arg.Word(Abi.O_RDONLY)).savingAs("fd"),
                Step.of("close it", "close", new Arg.Result("fd")),
                Step.of("close it again", "close", new Arg.Result("fd")),
                exec("/bin/true")));
        assertEquals(2, o.failure().index());
        assertEquals("EBADF", Errno.name(o.failure().errno()));
    }

    @Test
    void aProgramWithoutExecveReportsItsEnd() {
        Outcome o = run(List.of(getpid()));
        assertEquals(1, o.failure().index());
        assertNull(o.failure().step());
        assertEquals(127, o.status().code());
    }

    /**
     * The setup executable: after the execveat of stage 0, the program runs in an address space of its own
     * (a few mappings of the sealed memfd, none of the JVM's), in the same process, then execs as usual.
     */
    @Test
    void afterTheSetupExecTheChildSharesNoMemoryWithTheJvm() throws Exception {
        int[] err = Libc.pipe2(Abi.O_CLOEXEC);
        int[] sync = Libc.pipe2(Abi.O_CLOEXEC);
        int[] exec = Libc.pipe2(Abi.O_CLOEXEC);
        int memfd = SetupExecutable.open();
        Arg.Word errW = new Arg.Word(err[1], "err_w");
        Arg.Word syncR = new Arg.Word(sync[0], "sync_r");
        List<Step> steps = List.of(
                Step.of("keep err_w", "fcntl", errW, new Arg.Word(Abi.F_SETFD), new Arg.Word(0)),
                Step.of("keep sync_r", "fcntl", syncR, new Arg.Word(Abi.F_SETFD), new Arg.Word(0)),
                Step.of("run the setup executable", "execveat", new Arg.Word(memfd), new Arg.CString(""),
                        new Arg.CStringArray(List.of("panamax-setup")), new Arg.CStringArray(List.of()),
                        new Arg.Word(Abi.AT_EMPTY_PATH)),
                Step.of("wait", "read", syncR, new Arg.Buffer(1), new Arg.Word(1)).expecting(1),
                exec("/bin/true"));
        ChildProgram program = new ChildProgram(steps, 3);
        try (Arena arena = Arena.ofConfined()) {
            SetupExecutable.fill(memfd, ProgramImage.encode(program, 3, steps.size(), err[1], -1,
                    SyscallTable.nativeTable(), i -> false));
            MemorySegment stage0 = ProgramImage.encode(program, 0, 3, err[1], -1, SyscallTable.nativeTable(), i -> false)
                    .place(arena);
            MemorySegment pidfdOut = arena.allocate(ValueLayout.JAVA_INT);
            long pid = Trampoline.get().spawn(Launch.cloneArgs(arena, Abi.CLONE_VM | Abi.CLONE_PIDFD, pidfdOut, 16384),
                    stage0);
            assertTrue(pid > 0, "clone3: " + pid);
            int pidfd = pidfdOut.get(ValueLayout.JAVA_INT, 0);
            Libc.close(memfd);
            Libc.close(exec[1]);
            Libc.close(err[1]);
            MemorySegment buf = arena.allocate(16);
            assertEquals(0, Libc.read(exec[0], buf, 16), "EOF: the child exec'd the setup executable");
            List<String> maps = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/maps"));
            String exe = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + pid + "/exe")).toString();
            Libc.write(sync[1], buf, 1);
            assertEquals(0, Libc.read(err[0], buf, 16), "no failure record: the final execve happened");
            assertEquals(0, Reaper.get().reapNow(pidfd).code());
            Libc.close(pidfd);
            assertTrue(exe.startsWith("/memfd:panamax-setup"), exe);
            assertTrue(maps.stream().noneMatch(l -> l.contains("libjvm") || l.contains("[heap]")), String.join("\n", maps));
            assertTrue(maps.size() <= 8, "code, image, stack, vvar, vdso: " + String.join("\n", maps));
            assertTrue(maps.stream().anyMatch(l -> l.startsWith("00400000-") && l.contains(" r-xp ")), String.join("\n", maps));
            assertTrue(maps.stream().anyMatch(l -> l.startsWith("01000000-") && l.contains(" rw-p ")), String.join("\n", maps));
        } finally {
            for (int fd : new int[] {err[0], sync[0], sync[1], exec[0]}) {
                Libc.close(fd);
            }
        }
    }

    @Test
    void theSetupExecutableIsSealedAndItsEntryLoadsTheImageAddress() {
        assertEquals(ProgramLayout.IMAGE_ADDRESS, SetupExecutable.entryImageAddress());
        int memfd = SetupExecutable.open();
        try {
            ChildProgram program = new ChildProgram(List.of(exec("/bin/true")));
            SetupExecutable.fill(memfd, ProgramImage.encode(program, 0, 1, 2, -1, SyscallTable.nativeTable(), i -> false));
            long seals = Libc.fcntl(memfd, Abi.F_GET_SEALS, 0);
            long all = Abi.F_SEAL_SEAL | Abi.F_SEAL_SHRINK | Abi.F_SEAL_GROW | Abi.F_SEAL_WRITE;
            assertEquals(all, seals & all, "sealed against writes, resizing and new seals");
            try (Arena arena = Arena.ofConfined()) {
                dev.panamax.sys.ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(
                        dev.panamax.sys.ErrnoException.class, () -> Libc.write(memfd, arena.allocate(1), 1));
                assertEquals("EPERM", e.errnoName());
            }
        } finally {
            Libc.close(memfd);
        }
    }

    @Test
    void theCodeIsMappedReadExecuteNeverWritable() throws Exception {
        long code = Trampoline.get().codeAddress();
        List<String> maps = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps"));
        String mapping = maps.stream().filter(l -> {
            String[] range = l.split(" ")[0].split("-");
            return Long.parseUnsignedLong(range[0], 16) <= code && code < Long.parseUnsignedLong(range[1], 16);
        }).findFirst().orElseThrow();
        assertTrue(mapping.split(" ")[1].startsWith("r-x"), mapping);
        assertTrue(mapping.contains("/memfd:panamax-trampoline"), "mapped from the memfd the bytes were written to,"
                + " so that the kernel syncs the instruction cache (arm64): " + mapping);
        assertEquals(64, ProgramLayout.HEADER_SIZE);
    }
}
