package dev.panamax.launch;

import dev.panamax.Container;
import dev.panamax.ExitStatus;
import dev.panamax.Terminal;
import dev.panamax.cgroup.Cgroup;
import dev.panamax.cgroup.CgroupStats;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The {@link Container} a successful launch returns. */
final class RunningContainer implements ExecLaunch.Target, Container {
    private final long pid;
    private final int pidfd;
    private final CompletableFuture<ExitStatus> exit;
    /** The reaper's status and resource usage of the first process (for {@code Launcher.run}). */
    private final CompletableFuture<Reaper.Reaped> reaped;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final Runnable onClose;
    private final Cgroup cgroup;
    private PseudoTerminal terminal;
    /** The JDK's handle, made by the first {@link #toHandle()} before the reap. */
    private ProcessHandle handle;
    private boolean closing;
    private boolean closed;
    private dev.panamax.ContainerSpec spec;

    RunningContainer(long pid, int pidfd, CompletableFuture<Reaper.Reaped> reaped, Cgroup cgroup,
                     OutputStream stdin, InputStream stdout, InputStream stderr, Runnable onClose) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.cgroup = cgroup;
        this.reaped = reaped;
        // read the OOM counter as soon as the reaper has the status, while the cgroup still exists
        CompletableFuture<ExitStatus> status = reaped.thenApply(Reaper.Reaped::status);
        this.exit = cgroup == null ? status : status.thenApply(this::markOom);
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.onClose = onClose;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ExitStatus waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("reaping container " + pid + " failed", e.getCause());
        }
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("reaping container " + pid + " failed", e.getCause());
        }
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("container " + pid + " is still running");
        }
        return exit.join().shellCode();
    }

    @Override
    public synchronized Optional<ProcessHandle> toHandle() {
        if (handle == null && !closed && !exit.isDone()) {
            Optional<ProcessHandle> found = ProcessHandle.of(pid);
            try {
                Libc.pidfdSendSignal(pidfd, 0); // succeeds until the reap: then the pid was still ours above
                handle = found.orElse(null);
            } catch (ErrnoException reaped) {
                // ESRCH: reaped meanwhile, and the pid may already name another process
            }
        }
        return Optional.ofNullable(handle);
    }

    @Override
    public synchronized void kill(int signal) {
        if (closed || exit.isDone()) {
            return;
        }
        try {
            Libc.pidfdSendSignal(pidfd, signal);
        } catch (ErrnoException e) {
            if (!exit.isDone() && !e.errnoName().equals("ESRCH")) { // ESRCH: it exited, not yet reaped
                throw e;
            }
        }
    }

    /**
     * A close-on-exec copy of the pidfd, for a launch that joins this container's namespaces.
     *
     * @throws IllegalStateException if the container has ended or its handle is closed
     */
    synchronized int duplicatePidfd() {
        if (closing || exit.isDone()) {
            throw new IllegalStateException("container " + pid + " has ended"
                    + (exit.isDone() ? " (" + exit.join() + ")" : ": its handle is closed"));
        }
        return Libc.fcntl(pidfd, Abi.F_DUPFD_CLOEXEC, 3);
    }

    /** The first process's status and rusage, once reaped. */
    CompletableFuture<Reaper.Reaped> reaped() {
        return reaped;
    }

    /** The container's cgroup, or null without resources. */
    @Override
    public Cgroup cgroupOrNull() {
        return cgroup;
    }

    /** The addresses {@link NetworkSetup} leased, IPv4 first (none without a bridge network). */
    private volatile java.util.List<java.net.InetAddress> addresses = java.util.List.of();

    void addresses(java.util.List<java.net.InetAddress> leased) {
        this.addresses = java.util.List.copyOf(leased);
    }

    @Override
    public java.util.List<java.net.InetAddress> addresses() {
        return addresses;
    }

    /** The spec this container was launched from: an exec compiles its program from it. */
    void execFrom(dev.panamax.ContainerSpec launched) {
        this.spec = launched;
    }

    @Override
    public void destroy() {
        dev.panamax.ContainerSpec launched = spec;
        kill(launched == null ? dev.panamax.ProcessSpec.SIGTERM : launched.process().stopSignal());
    }

    @Override
    public Container exec(dev.panamax.ProcessSpec process, Optional<dev.panamax.ProcessIdentity> user,
                          java.util.Set<dev.panamax.Capability> dropCapabilities) {
        java.util.Objects.requireNonNull(process, "process");
        if (spec == null) {
            throw new UnsupportedOperationException("exec runs in a container, not in another exec");
        }
        synchronized (this) {
            if (closed || exit.isDone()) {
                throw ExecLaunch.exited(pid);
            }
        }
        return ExecLaunch.start(dev.panamax.program.ExecIntoSteps.execSpec(spec, process, user, dropCapabilities),
                this);
    }

    /**
     * Runs {@code use} with the container's pidfd while the container is not closed (its pidfd stays open
     * meanwhile), or throws the exec's "exited" error.
     */
    @Override
    public synchronized <T> T withPidfd(java.util.function.IntFunction<T> use) {
        if (closed || exit.isDone()) {
            throw ExecLaunch.exited(pid);
        }
        return use.apply(pidfd);
    }

    /** The launch's terminal (or null), closed with the container. */
    void attach(PseudoTerminal pty) {
        this.terminal = pty;
    }

    @Override
    public Terminal terminal() {
        if (terminal == null) {
            throw new IllegalStateException("container " + pid + " has no terminal: give its spec"
                    + " ContainerSpec.Builder.terminal(true) or Stdio.terminal()");
        }
        return terminal;
    }

    private ExitStatus markOom(ExitStatus status) {
        try {
            return status.signal() == Abi.SIGKILL && cgroup.oomKilled() ? status.withOomKilled() : status;
        } catch (RuntimeException unreadable) {
            return status;
        }
    }

    private Cgroup cgroup() {
        if (cgroup == null) {
            throw new IllegalStateException("container " + pid + " has no cgroup: give its spec resources"
                    + " (ContainerSpec.Builder.resources) to get stats, freeze and thaw");
        }
        return cgroup;
    }

    @Override
    public CgroupStats stats() {
        return cgroup().stats();
    }

    @Override
    public void freeze() {
        cgroup().freeze();
    }

    @Override
    public void thaw() {
        cgroup().thaw();
    }

    @Override
    public void killAll() {
        if (cgroup == null) {
            kill(Abi.SIGKILL);
        } else {
            cgroup.killAll();
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    /** A detached exec's handle: never reaped here, and {@link #close()} lets it go instead of killing it. */
    private volatile boolean detached;

    /** Marks this handle as a detached exec's ({@code Launch.handOver} with {@code reap} false). */
    void detach() {
        detached = true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return; // another thread closes it: the pidfd must be closed exactly once
            }
            closing = true;
        }
        if (!detached) {
            kill(Abi.SIGKILL);
            exit.exceptionally(t -> null).join();
        }
        synchronized (this) {
            closed = true;
            // the reaper is done with the pidfd once the future completed: now it can go
            Libc.close(pidfd);
        }
        closeQuietly(stdin);
        closeQuietly(stdout);
        closeQuietly(stderr);
        if (terminal != null) {
            closeQuietly(terminal);
        }
        onClose.run();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // a stream that cannot close has nothing left to lose
        }
    }

    @Override
    public String toString() {
        return "Container[pid=" + pid + (exit.isDone() ? ", " + exit.getNow(null) : ", running") + "]";
    }

    static InputStream emptyInput() {
        return InputStream.nullInputStream();
    }

    static OutputStream closedOutput() {
        OutputStream out = OutputStream.nullOutputStream();
        try {
            out.close();
        } catch (IOException impossible) {
            throw new AssertionError(impossible);
        }
        return out;
    }
}
