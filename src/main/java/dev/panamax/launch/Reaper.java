package dev.panamax.launch;

import dev.panamax.ExitStatus;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.KernelStructs;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One thread that reaps every container: it polls all pidfds at once (a pidfd becomes readable when its
 * process exits), then collects the status with {@code waitid(P_PIDFD)}. No thread per container.
 */
final class Reaper {
    private static final long UTIME = offset("ru_utime_sec");
    private static final long STIME = offset("ru_stime_sec");
    private static final long MAXRSS = offset("ru_maxrss");
    private static final Reaper INSTANCE = new Reaper();

    private final ConcurrentLinkedQueue<Entry> incoming = new ConcurrentLinkedQueue<>();
    private final int wakeRead;
    private final int wakeWrite;

    private record Entry(int pidfd, CompletableFuture<Reaped> exit) {
    }

    /**
     * What reaping a process gives: its status and its resource usage (its own and that of the descendants
     * it waited for), from {@code waitid}'s {@code struct rusage}.
     *
     * @param status      how it ended
     * @param cpuNanos    user plus system CPU time
     * @param maxRssBytes the peak resident set size
     */
    record Reaped(ExitStatus status, long cpuNanos, long maxRssBytes) {
    }

    private Reaper() {
        int[] wake = Libc.pipe2(Abi.O_CLOEXEC | Abi.O_NONBLOCK);
        wakeRead = wake[0];
        wakeWrite = wake[1];
        Thread t = new Thread(this::loop, "panamax-reaper");
        t.setDaemon(true);
        t.start();
    }

    static Reaper get() {
        return INSTANCE;
    }

    /** The future completes with the exit status once the process behind {@code pidfd} has been reaped. */
    CompletableFuture<Reaped> watch(int pidfd) {
        CompletableFuture<Reaped> exit = new CompletableFuture<>();
        incoming.add(new Entry(pidfd, exit));
        try (Arena arena = Arena.ofConfined()) {
            Libc.write(wakeWrite, arena.allocate(1), 1);
        }
        return exit;
    }

    /** Blocks until the process behind {@code pidfd} ends and returns its status (the launch's undo path). */
    ExitStatus reapNow(int pidfd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Abi.SIZEOF_SIGINFO, 8);
            Libc.syscall("waitid", Abi.SYS_waitid, Abi.P_PIDFD, pidfd, info.address(), Abi.WEXITED, 0);
            return status(info);
        }
    }

    private void loop() {
        Map<Integer, Entry> watched = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Abi.SIZEOF_SIGINFO, 8);
            MemorySegment usage = arena.allocate(KernelStructs.RUSAGE);
            MemorySegment drain = arena.allocate(64);
            while (true) {
                for (Entry e; (e = incoming.poll()) != null; ) {
                    watched.put(e.pidfd(), e);
                }
                List<Entry> order = new ArrayList<>(watched.values());
                try (Arena round = Arena.ofConfined()) {
                    MemorySegment fds = round.allocate(Abi.SIZEOF_POLLFD * (order.size() + 1), 4);
                    pollEntry(fds, 0, wakeRead);
                    for (int i = 0; i < order.size(); i++) {
                        pollEntry(fds, i + 1, order.get(i).pidfd());
                    }
                    Libc.poll(fds, order.size() + 1, -1);
                    if (revents(fds, 0) != 0) {
                        drain(drain);
                    }
                    for (int i = 0; i < order.size(); i++) {
                        if (revents(fds, i + 1) != 0 && reaped(order.get(i), info, usage)) {
                            watched.remove(order.get(i).pidfd());
                        }
                    }
                }
            }
        }
    }

    private static void pollEntry(MemorySegment fds, int i, int fd) {
        fds.set(ValueLayout.JAVA_INT, Abi.SIZEOF_POLLFD * i + Abi.OFFSETOF_POLLFD_FD, fd);
        fds.set(ValueLayout.JAVA_SHORT, Abi.SIZEOF_POLLFD * i + Abi.OFFSETOF_POLLFD_EVENTS, (short) Abi.POLLIN);
    }

    private static short revents(MemorySegment fds, int i) {
        return fds.get(ValueLayout.JAVA_SHORT, Abi.SIZEOF_POLLFD * i + Abi.OFFSETOF_POLLFD_REVENTS);
    }

    private void drain(MemorySegment buffer) {
        try {
            while (Libc.read(wakeRead, buffer, buffer.byteSize()) > 0) {
                // keep draining until EAGAIN
            }
        } catch (RuntimeException empty) {
            // EAGAIN: the wake pipe is empty
        }
    }

    /** Collects the status if the process has ended; a failure completes the future exceptionally. */
    private boolean reaped(Entry e, MemorySegment info, MemorySegment usage) {
        try {
            info.fill((byte) 0);
            Libc.syscall("waitid", Abi.SYS_waitid, Abi.P_PIDFD, e.pidfd(), info.address(), Abi.WEXITED | Abi.WNOHANG,
                    usage.address());
            if (info.get(ValueLayout.JAVA_INT, Abi.OFFSETOF_SIGINFO_PID) == 0) { // si_pid 0: not ended yet
                return false;
            }
            e.exit().complete(new Reaped(status(info), (micros(usage, UTIME) + micros(usage, STIME)) * 1000,
                    usage.get(ValueLayout.JAVA_LONG, MAXRSS) * 1024));
        } catch (RuntimeException failure) {
            e.exit().completeExceptionally(failure);
        }
        return true;
    }

    private static long offset(String field) {
        return KernelStructs.RUSAGE.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement(field));
    }

    /** A {@code struct timeval} at {@code offset} of the rusage, in microseconds. */
    private static long micros(MemorySegment usage, long offset) {
        return usage.get(ValueLayout.JAVA_LONG, offset) * 1_000_000 + usage.get(ValueLayout.JAVA_LONG, offset + 8);
    }

    private static ExitStatus status(MemorySegment siginfo) {
        int code = siginfo.get(ValueLayout.JAVA_INT, Abi.OFFSETOF_SIGINFO_CODE);
        int status = siginfo.get(ValueLayout.JAVA_INT, Abi.OFFSETOF_SIGINFO_STATUS);
        return code == Abi.CLD_EXITED ? ExitStatus.exited(status) : ExitStatus.killed(status, code == Abi.CLD_DUMPED);
    }
}
