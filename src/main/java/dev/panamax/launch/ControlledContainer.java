package dev.panamax.launch;

import dev.panamax.ContainerControl;
import dev.panamax.StartRecord;
import dev.panamax.cgroup.Cgroup;
import dev.panamax.cgroup.Resources;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@link ContainerControl} from a {@link StartRecord}: every call looks at the process ({@code /proc/PID/stat}),
 * the cgroup (its directories found again in the host's hierarchies, {@link Cgroup#existing}) and the start
 * FIFO afresh; nothing is kept open between calls.
 */
final class ControlledContainer implements ContainerControl {
    private static final Duration END_TIMEOUT = Duration.ofSeconds(10);

    private final StartRecord record;

    ControlledContainer(StartRecord record) {
        this.record = record;
    }

    @Override
    public StartRecord record() {
        return record;
    }

    private boolean alive() {
        return CreatedLaunch.startTime(record.pid()).equals(OptionalLong.of(record.startTime()));
    }

    /** The cgroup as it is now (no directory left when it is gone), or null for a container without one. */
    private Cgroup cgroupOrNull() {
        return record.cgroup().map(Cgroup::existing).orElse(null);
    }

    private Cgroup cgroup(String what) {
        Cgroup cgroup = cgroupOrNull();
        if (cgroup == null || cgroup.paths().isEmpty()) {
            throw new IllegalStateException("cannot " + what + " container " + record.pid() + ": "
                    + record.cgroup().map(c -> "its cgroup " + c + " is gone").orElse("it has no cgroup"));
        }
        return cgroup;
    }

    @Override
    public State state() {
        if (!alive()) {
            return State.STOPPED;
        }
        Cgroup cgroup = cgroupOrNull();
        if (cgroup != null && !cgroup.paths().isEmpty() && cgroup.frozen()) {
            return State.PAUSED;
        }
        return Files.exists(record.fifo(), java.nio.file.LinkOption.NOFOLLOW_LINKS) ? State.CREATED : State.RUNNING;
    }

    @Override
    public void freeze() {
        cgroup("freeze").freeze();
    }

    @Override
    public void thaw() {
        cgroup("thaw").thaw();
    }

    @Override
    public List<Long> pids() {
        Cgroup cgroup = cgroupOrNull();
        if (cgroup != null) {
            return cgroup.pids();
        }
        return alive() ? List.of(record.pid()) : List.of();
    }

    @Override
    public void update(Resources resources) {
        cgroup("update").update(resources);
    }

    @Override
    public boolean signal(int signal) {
        int pidfd;
        try {
            pidfd = Libc.pidfdOpen(Math.toIntExact(record.pid()));
        } catch (ErrnoException e) {
            if (e.errnoName().equals("ESRCH")) {
                return false;
            }
            throw new IllegalStateException("signal container " + record.pid() + ": pidfd_open: " + e.errnoName(), e);
        }
        try {
            // the pidfd refers to whatever process has the pid now: it is ours only with the recorded start time
            if (!alive()) {
                return false;
            }
            return send(pidfd, signal);
        } finally {
            Libc.close(pidfd);
        }
    }

    /** {@code pidfd_send_signal}: false when the process has ended (ESRCH). */
    private boolean send(int pidfd, int signal) {
        try {
            Libc.pidfdSendSignal(pidfd, signal);
            return true;
        } catch (ErrnoException e) {
            if (e.errnoName().equals("ESRCH")) {
                return false;
            }
            if (e.errnoName().equals("EINVAL")) {
                throw new IllegalArgumentException("signal: " + signal + " is not a signal number "
                        + "(pidfd_send_signal: EINVAL)", e);
            }
            throw new IllegalStateException("signal container " + record.pid() + ": pidfd_send_signal: "
                    + e.errnoName(), e);
        }
    }

    @Override
    public void signalAll(int signal) {
        Cgroup cgroup = cgroupOrNull();
        if (cgroup == null || cgroup.paths().isEmpty()) {
            signal(signal);
            return;
        }
        if (signal == Abi.SIGKILL) {
            cgroup.killAll();
            return;
        }
        // frozen, no process of it can exit (and free its pid for another) or fork between the list and the kill
        boolean wasFrozen = cgroup.frozen();
        if (!wasFrozen) {
            cgroup.freeze();
        }
        try {
            for (long pid : cgroup.pids()) {
                int pidfd;
                try {
                    pidfd = Libc.pidfdOpen(Math.toIntExact(pid));
                } catch (ErrnoException gone) {
                    continue;
                }
                try {
                    send(pidfd, signal);
                } finally {
                    Libc.close(pidfd);
                }
            }
        } finally {
            if (!wasFrozen) {
                cgroup.thaw();
            }
        }
    }

    @Override
    public void destroy() {
        Cgroup cgroup = cgroupOrNull();
        if (cgroup != null) {
            // kills what is left (also frozen processes), waits until it is empty, removes it and the
            // directories between that are then empty
            cgroup.close();
        }
        if (signal(Abi.SIGKILL)) {
            long deadline = System.nanoTime() + END_TIMEOUT.toNanos();
            while (alive()) { // not our child: it ends when its parent or subreaper reaps it (or is a zombie)
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("container " + record.pid() + " still runs "
                            + END_TIMEOUT.toSeconds() + " s after SIGKILL");
                }
                Thread.onSpinWait();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for container " + record.pid() + " to end", e);
                }
            }
        }
        Path dir = record.fifo().getParent();
        // only what a create makes: a record read back from a file must not remove anything else
        if (record.fifo().getFileName().toString().equals("start") && dir != null
                && dir.getFileName().toString().startsWith("created-")) {
            CreatedLaunch.removeQuietly(record.fifo(), dir, null);
        }
    }

    @Override
    public dev.panamax.Container exec(dev.panamax.ContainerSpec containerSpec, dev.panamax.ProcessSpec process,
                                      dev.panamax.ExecOptions options) {
        java.util.Objects.requireNonNull(containerSpec, "containerSpec");
        java.util.Objects.requireNonNull(process, "process");
        switch (state()) { // runc's messages
            case STOPPED -> throw new IllegalStateException("cannot exec in a stopped container");
            case PAUSED -> throw new IllegalStateException("cannot exec in a paused container");
            case CREATED -> throw new IllegalStateException("cannot exec in a created container (start it first)");
            case RUNNING -> { }
        }
        dev.panamax.ContainerSpec execSpec = dev.panamax.program.ExecIntoSteps.execSpec(containerSpec, process,
                options.user(), options.applyTo(containerSpec.hardening()), !options.detach());
        return ExecLaunch.start(execSpec, !options.detach(), new ExecLaunch.Target() {
            @Override
            public long pid() {
                return record.pid();
            }

            @Override
            public <T> T withPidfd(java.util.function.IntFunction<T> use) {
                int pidfd;
                try {
                    pidfd = Libc.pidfdOpen(Math.toIntExact(record.pid()));
                } catch (ErrnoException e) {
                    throw ExecLaunch.exited(record.pid());
                }
                try {
                    // the pidfd is the container's only if the pid still has the recorded start time
                    if (!alive()) {
                        throw ExecLaunch.exited(record.pid());
                    }
                    return use.apply(pidfd);
                } finally {
                    Libc.close(pidfd);
                }
            }

            @Override
            public Cgroup cgroupOrNull() {
                Cgroup cgroup = ControlledContainer.this.cgroupOrNull();
                return cgroup == null || cgroup.paths().isEmpty() ? null : cgroup;
            }
        });
    }

    @Override
    public String toString() {
        return "ContainerControl[" + record.text() + "]";
    }
}
