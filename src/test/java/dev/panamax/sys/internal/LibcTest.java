package dev.panamax.sys.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.sys.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class LibcTest {

    @Test
    void pipeCarriesBytesAndPollSeesThem() {
        int[] fds = Libc.pipe2(Abi.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            byte[] text = "panamax".getBytes(StandardCharsets.US_ASCII);
            MemorySegment out = arena.allocateFrom(ValueLayout.JAVA_BYTE, text);
            assertEquals(text.length, Libc.write(fds[1], out, text.length));

            MemorySegment pfd = pollIn(arena, fds[0]);
            assertEquals(1, Libc.poll(pfd, 1, 1000));
            assertEquals(Abi.POLLIN, pfd.get(ValueLayout.JAVA_SHORT, Abi.OFFSETOF_POLLFD_REVENTS) & Abi.POLLIN);

            MemorySegment in = arena.allocate(64);
            long n = Libc.read(fds[0], in, in.byteSize());
            assertArrayEquals(text, in.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            Libc.close(fds[1]);
            fds[1] = -1;
            assertEquals(0, Libc.read(fds[0], in, in.byteSize()), "EOF once the write end is closed");
        } finally {
            Libc.close(fds[0]);
            if (fds[1] != -1) {
                Libc.close(fds[1]);
            }
        }
    }

    @Test
    void pollWaitsForItsTimeoutOnlyWhenNothingIsReady() {
        int[] fds = Libc.pipe2(Abi.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = pollIn(arena, fds[0]);
            assertEquals(0, Libc.poll(pfd, 1, 0), "an empty pipe: not ready, no wait");
            long start = System.nanoTime();
            assertEquals(0, Libc.poll(pfd, 1, 1_200), "still not ready after the timeout");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 1_190, "a timeout of 1.2 s (seconds and nanoseconds) waited " + waited + " ms");
            Libc.write(fds[1], arena.allocateFrom("x"), 1);
            assertEquals(1, Libc.poll(pfd, 1, -1), "no timeout: waits until ready, here at once");
        } finally {
            Libc.close(fds[0]);
            Libc.close(fds[1]);
        }
    }

    /** A {@code struct pollfd} asking whether {@code fd} is readable. */
    private static MemorySegment pollIn(Arena arena, int fd) {
        MemorySegment pfd = arena.allocate(Abi.SIZEOF_POLLFD);
        pfd.set(ValueLayout.JAVA_INT, Abi.OFFSETOF_POLLFD_FD, fd);
        pfd.set(ValueLayout.JAVA_SHORT, Abi.OFFSETOF_POLLFD_EVENTS, (short) Abi.POLLIN);
        return pfd;
    }

    @Test
    void pointerArgumentsMustBeLiveNativeMemory() {
        int[] fds = Libc.pipe2(Abi.O_CLOEXEC);
        try {
            MemorySegment heap = MemorySegment.ofArray(new byte[8]);
            assertThrows(IllegalArgumentException.class, () -> Libc.write(fds[1], heap, 8));
            MemorySegment closed;
            try (Arena arena = Arena.ofConfined()) {
                closed = arena.allocate(8);
            }
            assertThrows(IllegalStateException.class, () -> Libc.write(fds[1], closed, 8));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pfd = pollIn(arena, fds[0]);
                assertEquals(0, Libc.poll(pfd, 1, 0), "nothing was written by the refused calls");
            }
        } finally {
            Libc.close(fds[0]);
            Libc.close(fds[1]);
        }
    }

    @Test
    void idsAreThoseTheKernelReportsForThisProcess() throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        String[] uids = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+");
        String[] gids = status.lines().filter(l -> l.startsWith("Gid:")).findFirst().orElseThrow().split("\\s+");
        assertEquals(Integer.parseInt(uids[1]), Libc.getuid());
        assertEquals(Integer.parseInt(uids[2]), Libc.geteuid());
        assertEquals(Integer.parseInt(gids[1]), Libc.getgid());
        assertEquals(Integer.parseInt(gids[2]), Libc.getegid());
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
        assertTrue(Files.isDirectory(Path.of("/proc/self/task/" + Libc.gettid())), "a thread of this process");
    }

    @Test
    void closeOfBadDescriptorIsEbadf() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.close(-1));
        assertEquals("close(-1): EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void openOfMissingFileNamesThePath() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Libc.open("/nonexistent/panamax", Abi.O_RDONLY | Abi.O_CLOEXEC, 0));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().startsWith("open(\"/nonexistent/panamax\""), e.getMessage());
    }

    @Test
    void mmapMprotectMunmap() throws Exception {
        long size = 2 * 4096;
        MemorySegment seg = Libc.mmap(size, Abi.PROT_READ | Abi.PROT_WRITE, Abi.MAP_PRIVATE | Abi.MAP_ANONYMOUS);
        try {
            assertEquals(size, seg.byteSize());
            assertEquals(0, seg.address() % 4096, "page aligned");
            seg.set(ValueLayout.JAVA_LONG, 8, 0x1234_5678_9abcL);
            Libc.mprotect(seg, Abi.PROT_READ);
            assertEquals(0x1234_5678_9abcL, seg.get(ValueLayout.JAVA_LONG, 8));
            String maps = Files.readString(Path.of("/proc/self/maps"));
            String start = Long.toHexString(seg.address());
            assertTrue(maps.lines().anyMatch(l -> l.startsWith(start + "-") && l.contains(" r--p ")),
                    "the mapping must now be read-only");
        } finally {
            Libc.munmap(seg);
        }
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Libc.mmap(0, Abi.PROT_READ, Abi.MAP_PRIVATE | Abi.MAP_ANONYMOUS));
        assertEquals("EINVAL", e.errnoName());
    }

    @Test
    void invalidSyscallIsEnosysWithItsName() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.syscall("no_such_call", 100_000, 1, 2));
        assertEquals("no_such_call", e.call());
        assertEquals("ENOSYS", e.errnoName());
        assertEquals("no_such_call(1, 2): ENOSYS (Function not implemented)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Libc.syscall("x", 0, 1, 2, 3, 4, 5, 6, 7));
    }

    @Test
    @Tag("kernel")
    void syscallReturnsTheKernelResult() {
        assertEquals(Libc.getpid(), ProcessHandle.current().pid());
        assertEquals(Libc.getpid(), Libc.syscall("getpid", 39));
        assertEquals(0, Libc.syscall("kill", Abi.SYS_kill, Libc.getpid(), 0));
        assertTrue(Libc.gettid() > 0);
        assertEquals(0, Libc.geteuid(), "the tests run as root");
    }

    @Test
    void pidfdSignalsAProcess() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            int pidfd = Libc.pidfdOpen((int) sleeper.pid());
            try {
                Libc.pidfdSendSignal(pidfd, Abi.SIGTERM);
                assertEquals(128 + Abi.SIGTERM, sleeper.waitFor());
            } finally {
                Libc.close(pidfd);
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertEquals("ESRCH", assertThrows(ErrnoException.class, () -> Libc.pidfdOpen(Integer.MAX_VALUE)).errnoName());
    }

    @Test
    void sigprocmaskReadsTheCurrentMask() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(128);
            Libc.sigprocmask(Abi.SIG_BLOCK, MemorySegment.NULL, old);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Libc.sigprocmask(12345, arena.allocate(128), MemorySegment.NULL));
            assertEquals("EINVAL", e.errnoName());
        }
    }

    @Test
    void waitStatusMacros() {
        int exited3 = 3 << 8;
        assertTrue(Abi.wifexited(exited3));
        assertFalse(Abi.wifsignaled(exited3));
        assertEquals(3, Abi.wexitstatus(exited3));
        int killed = Abi.SIGKILL;
        assertTrue(Abi.wifsignaled(killed));
        assertFalse(Abi.wifexited(killed));
        assertEquals(Abi.SIGKILL, Abi.wtermsig(killed));
        assertFalse(Abi.wifsignaled(0x137f), "stopped by SIGSTOP is not signalled");
    }

    @Test
    void structSizesMatchTheKernelAbi() {
        assertEquals(88, Abi.SIZEOF_CLONE_ARGS);
        assertEquals(24, Abi.SIZEOF_OPEN_HOW);
        assertEquals(40, Abi.SIZEOF_IFREQ);
        assertEquals(16, Abi.OFFSETOF_IFREQ_FLAGS);
        assertEquals(128, Abi.SIZEOF_SIGINFO);
        assertEquals(8, Abi.OFFSETOF_SIGINFO_CODE);
        assertEquals(16, Abi.OFFSETOF_SIGINFO_PID);
        assertEquals(24, Abi.OFFSETOF_SIGINFO_STATUS);
        SyscallTable table = SyscallTable.nativeTable();   // this JVM's numbers: 155 and 231 on x86-64
        assertEquals(table.number("pivot_root").orElseThrow(), Abi.SYS_pivot_root);
        assertEquals(435, Abi.SYS_clone3);                  // the same on both architectures
        assertEquals(table.number("exit_group").orElseThrow(), Abi.SYS_exit_group);
    }
}
