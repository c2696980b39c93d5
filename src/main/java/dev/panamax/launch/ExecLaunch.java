package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.cgroup.Cgroup;
import dev.panamax.program.Arg;
import dev.panamax.program.ChildFds;
import dev.panamax.program.ChildProgram;
import dev.panamax.program.ExecIntoSteps;
import dev.panamax.program.ProgramImage;
import dev.panamax.program.SpecCompiler;
import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;
import dev.panamax.sys.internal.NativeAccess;
import dev.panamax.trampoline.Arch;
import dev.panamax.trampoline.SetupExecutable;
import dev.panamax.trampoline.Trampoline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An exec into a running container, on a {@link LauncherThread}: the parent's side of
 * {@link ExecIntoSteps}. It opens the container's root ({@code /proc/PID/root}, checked against the pidfd
 * afterwards, so it is the container's and not a recycled pid's), clones a {@code CLONE_VM} child without
 * namespace flags that execs the setup executable, puts it into the container's cgroup once it has its own
 * address space, releases it, and reads the error pipe until the command's execve. The handle's process is
 * the relay; its status is the command's (the status pipe, as with the init).
 */
final class ExecLaunch {
    private static final long STACK_SIZE = 64 * 1024;

    /** The container an exec joins: a launch's handle in this JVM, or a container controlled from its record. */
    interface Target {
        /** {@return the container's pid, for messages} */
        long pid();

        /**
         * Calls {@code use} with the container's pidfd while the container is known to run.
         *
         * @throws LaunchException with ESRCH when the container has exited
         */
        <T> T withPidfd(java.util.function.IntFunction<T> use);

        /** {@return the container's cgroup, which the exec joins, or null} */
        Cgroup cgroupOrNull();
    }

    /** The container's spec with the exec's process, user and capabilities ({@link ExecIntoSteps#execSpec}). */
    private final ContainerSpec execSpec;
    private final Target container;
    /** For failure-injection tests: the steps for which it holds fail with ENOSYS. */
    private final java.util.function.IntPredicate faulty;
    /** False for a detached exec: this JVM leaves its status to the subreaper that inherits it. */
    private final boolean reap;

    private ExecLaunch(ContainerSpec execSpec, Target container, java.util.function.IntPredicate faulty,
                       boolean reap) {
        this.execSpec = execSpec;
        this.container = container;
        this.faulty = faulty;
        this.reap = reap;
    }

    static RunningContainer start(ContainerSpec execSpec, Target container) {
        return start(execSpec, true, container);
    }

    /**
     * As above; {@code reap} false for a detached exec ({@code exec --detach}): this JVM never reaps it, so its
     * status goes to the subreaper that inherits it when this JVM exits, as runc leaves it.
     */
    static RunningContainer start(ContainerSpec execSpec, boolean reap, Target container) {
        NativeAccess.require();
        return LauncherThread.call(() -> new ExecLaunch(execSpec, container, step -> false, reap).run());
    }

    /** For failure-injection tests: the exec's steps for which {@code faulty} holds fail with ENOSYS. */
    static RunningContainer start(ContainerSpec execSpec, Target container,
                                  java.util.function.IntPredicate faulty) {
        NativeAccess.require();
        return LauncherThread.call(() -> new ExecLaunch(execSpec, container, faulty, true).run());
    }

    /** The exec's program with symbolic descriptors, as {@code run} compiles it (for tests). */
    static ChildProgram plan(ContainerSpec execSpec) {
        var p = execSpec.process();
        boolean pipedIn = SpecCompiler.piped(p.stdin());
        boolean pipedOut = SpecCompiler.piped(p.stdout());
        boolean pipedErr = SpecCompiler.piped(p.stderr());
        ChildFds fds = new ChildFds(null, Arg.Word.unknown("sync_r"), Arg.Word.unknown("sync_w"),
                Arg.Word.unknown("err_w"), Arg.Word.unknown("setup_exe"), Arg.Word.unknown("status_w"),
                pipedIn ? Arg.Word.unknown("stdin_fd") : null, pipedOut ? Arg.Word.unknown("stdout_fd") : null,
                pipedErr ? Arg.Word.unknown("stderr_fd") : null);
        return ExecIntoSteps.compile(execSpec, fds, Arg.Word.unknown("container_pidfd"),
                Arg.Word.unknown("container_root"));
    }

    /** The error of an exec into a container whose process has ended. */
    static LaunchException exited(long pid) {
        return new LaunchException("exec into container " + pid + ": the container has exited", "exec",
                "pidfd_send_signal", Errno.number("ESRCH"), "ESRCH", null);
    }

    private RunningContainer run() {
        Cleanup cleanup = new Cleanup();
        StdioSetup stdio = Launch.openStdio(execSpec);
        int[] sync = null;
        int[] err = null;
        int[] setupExe = null;
        int[] exec = null;
        int[] status = null;
        int[] own = null; // the container's root and a duplicate of its pidfd
        try (Arena arena = Arena.ofConfined()) {
            own = container.withPidfd(this::openContainer);
            sync = Libc.pipe2(Abi.O_CLOEXEC);
            err = Libc.pipe2(Abi.O_CLOEXEC);
            status = Libc.pipe2(Abi.O_CLOEXEC);
            exec = Libc.pipe2(Abi.O_CLOEXEC);
            setupExe = new int[] {Launch.openSetupExecutable(execSpec)};
            ChildFds fds = new ChildFds(null, ChildFds.fd(sync[0], "sync_r"), ChildFds.fd(sync[1], "sync_w"),
                    ChildFds.fd(err[1], "err_w"), ChildFds.fd(setupExe[0], "setup_exe"),
                    ChildFds.fd(status[1], "status_w"), stdio.childArg(0), stdio.childArg(1), stdio.childArg(2));
            ChildProgram program = ExecIntoSteps.compile(execSpec, fds,
                    ChildFds.fd(own[1], "container_pidfd"), ChildFds.fd(own[0], "container_root"));
            var table = Arch.current().syscalls();
            int split = program.setupExecFrom();
            int size = program.steps().size();
            try {
                SetupExecutable.fill(setupExe[0], ProgramImage.encode(program, split, size, err[1], status[1],
                        table, faulty));
            } catch (ErrnoException e) {
                throw FailureReport.parentCall(execSpec, "write the setup executable", e.call(), e.errno(), e);
            }
            MemorySegment inJvm = ProgramImage.encode(program, 0, split, err[1], status[1], table, faulty)
                    .place(arena);
            MemorySegment pidfdOut = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment tidOut = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment args = Launch.cloneArgs(arena, Abi.CLONE_VM | Abi.CLONE_PIDFD | Abi.CLONE_PARENT_SETTID,
                    pidfdOut, STACK_SIZE);
            args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_PARENT_TID, tidOut.address());
            long pid = Trampoline.get().spawn(args, inJvm);
            if (pid < 0) {
                throw FailureReport.parentCall(execSpec, "create the exec's process", Trampoline.cloneCall(),
                        (int) -pid, null);
            }
            int pidfd = pidfdOut.get(ValueLayout.JAVA_INT, 0);
            long childPid = tidOut.get(ValueLayout.JAVA_INT, 0) != 0 ? tidOut.get(ValueLayout.JAVA_INT, 0) : pid;
            boolean awaiting = false;
            try {
                Launch.closeAll(setupExe);
                setupExe = null;
                Launch.closeAll(own);
                own = null;
                Libc.close(exec[1]);
                exec[1] = -1;
                Launch.awaitEof(exec[0]); // the child runs in its own address space now
                // the exec joins the container's cgroup (without resources it has none of its own: then nothing)
                Launch.joinCgroup(execSpec, "join the container's cgroup", container.cgroupOrNull(), childPid);
                Launch.release(sync[1]);
                Launch.closeAll(sync);
                sync = null;
                Libc.close(err[1]);
                err[1] = -1;
                Libc.close(status[1]);
                status[1] = -1;
                stdio.closeChildEnds();
                awaiting = true;
                try {
                    Launch.awaitExec(execSpec, err[0], program, f -> f);
                } catch (LaunchException failed) {
                    if ("setns".equals(failed.syscall()) && "ESRCH".equals(failed.errnoName())) {
                        LaunchException gone = exited(container.pid());
                        gone.addSuppressed(failed);
                        throw gone;
                    }
                    throw failed;
                }
            } catch (RuntimeException | Error failure) {
                Launch.undo(pidfd);
                if (!awaiting && failure instanceof RuntimeException) {
                    Launch.closeAll(sync);
                    sync = null;
                }
                throw failure;
            }
            InitStatus relay = new InitStatus(status[0]);
            status = null;
            return Launch.handOver(childPid, pidfd, null, relay, stdio, cleanup, reap);
        } finally {
            Launch.closeAll(sync);
            Launch.closeAll(err);
            Launch.closeAll(setupExe);
            Launch.closeAll(exec);
            Launch.closeAll(status);
            Launch.closeAll(own);
            stdio.close();
        }
    }

    /**
     * The container's root, opened through {@code /proc/PID/root} and proved the container's by its pidfd
     * answering afterwards (a pid is reused only after the reap), and a duplicate of the pidfd for the child.
     */
    private int[] openContainer(int pidfd) {
        String path = "/proc/" + container.pid() + "/root";
        int root;
        try {
            root = Libc.open(path, Abi.O_PATH | Abi.O_DIRECTORY | Abi.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw e.errnoName().equals("ENOENT") || e.errnoName().equals("ESRCH") ? exited(container.pid())
                    : FailureReport.parentCall(execSpec, "open the container's root " + path, "open", e.errno(), e);
        }
        try {
            Libc.pidfdSendSignal(pidfd, 0);
        } catch (ErrnoException e) {
            Libc.close(root);
            throw exited(container.pid());
        }
        try {
            return new int[] {root, Libc.fcntl(pidfd, Abi.F_DUPFD_CLOEXEC, 3)};
        } catch (ErrnoException e) { // EMFILE and the like: not an exited container
            Libc.close(root);
            throw FailureReport.parentCall(execSpec, "duplicate the container's pidfd", "fcntl", e.errno(), e);
        }
    }
}
