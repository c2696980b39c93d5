package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.ProcessSpec;
import dev.panamax.cgroup.Cgroup;
import dev.panamax.cgroup.CgroupException;
import dev.panamax.cgroup.CgroupManager;
import dev.panamax.program.ChildFds;
import dev.panamax.program.ChildProgram;
import dev.panamax.program.CloneHints;
import dev.panamax.program.Hint;
import dev.panamax.program.OverlaySteps;
import dev.panamax.program.ProgramImage;
import dev.panamax.program.ProgramTemplate;
import dev.panamax.program.SpecCompiler;
import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;
import dev.panamax.sys.internal.NativeAccess;
import dev.panamax.sys.internal.SyscallTable;
import dev.panamax.trampoline.Arch;
import dev.panamax.trampoline.ProgramLayout;
import dev.panamax.trampoline.SetupExecutable;
import dev.panamax.trampoline.Trampoline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

/**
 * One launch, run on the {@link LauncherThread}: the parent's side of the protocol, phase by phase
 * ({@link LaunchPhase}). It owns the native memory of the launch (program, strings, child stack) until the
 * child has exec'd or died, and undoes everything on any failure: the child is killed and reaped, every
 * descriptor closed.
 */
final class Launch {
    /**
     * The child runs no calls and no handlers on its stack, and uses it only until the setup exec; a small
     * one is plenty (see DESIGN.md).
     */
    private static final long STACK_SIZE = 64 * 1024;

    /** The caller's spec; with a bridge network, the one {@link NetworkSetup#spec} gives. */
    private ContainerSpec spec;
    /** For failure injection: the "step" that stands for the launcher's own clone3. */
    static final int CLONE3 = -1;

    private final IntPredicate faulty;
    private final int injectedErrno;
    /** The start FIFO of a created container ({@link CreatedLaunch}), or -1 for a launch. */
    private final int startFifo;
    /** Makes the container's cgroup: one made ahead for a launch, a lasting one for a created container. */
    private java.util.function.Function<dev.panamax.cgroup.Resources, Cgroup> cgroups =
            r -> CgroupManager.system().createContainer(r);

    private Launch(ContainerSpec spec, IntPredicate faulty, int injectedErrno, int startFifo) {
        this.spec = spec;
        this.faulty = faulty;
        this.injectedErrno = injectedErrno;
        this.startFifo = startFifo;
    }

    /** No step fails but by itself: a launch that may use its spec's {@link ProgramTemplate}. */
    private static final IntPredicate NO_FAULTS = step -> false;

    static RunningContainer start(ContainerSpec spec) {
        return start(spec, NO_FAULTS);
    }

    /** For failure-injection tests: the steps for which {@code faulty} holds fail with ENOSYS. */
    static RunningContainer start(ContainerSpec spec, IntPredicate faulty) {
        return start(spec, faulty, Errno.number("ENOSYS"));
    }

    /**
     * For failure-injection tests: the steps for which {@code faulty} holds fail (the kernel says ENOSYS: their
     * syscall number is one no kernel has), and the launch reads that failure as {@code errno}, so that each
     * errno a step has a hint for can be tried on the real launch path.
     */
    static RunningContainer start(ContainerSpec spec, IntPredicate faulty, int errno) {
        requireNativeAccess(spec);
        return LauncherThread.call(() -> new Launch(spec, faulty, errno, -1).run());
    }

    /** Before anything is made: without native access the bindings cannot even be loaded. */
    private static void requireNativeAccess(ContainerSpec spec) {
        try {
            NativeAccess.require();
        } catch (IllegalCallerException e) {
            throw FailureReport.nativeAccessDenied(spec, e);
        }
    }

    /**
     * A container created but not started: it runs its setup in the setup executable and waits before its
     * exec for a byte on {@code startFifo} (open for reading and writing); returned once it waits there. With
     * resources, {@code cgroups} makes its cgroup.
     */
    static RunningContainer create(ContainerSpec spec, int startFifo,
                                   java.util.function.Function<dev.panamax.cgroup.Resources, Cgroup> cgroups) {
        requireNativeAccess(spec); // a LaunchException naming the flag, as for a launch
        return LauncherThread.call(() -> {
            Launch launch = new Launch(spec, NO_FAULTS, 0, startFifo);
            launch.cgroups = cgroups;
            return launch.run();
        });
    }

    private RunningContainer run() {
        Trampoline trampoline = Trampoline.get();
        Cleanup cleanup = new Cleanup();
        MountPoints mountPoints = null;
        Throwable primary = null;
        StdioSetup stdio = openStdio(spec);
        int[] sync = null;
        int[] err = null;
        int[] setupExe = null;
        int[] exec = null;
        int[] status = null;
        int[] hello = null;
        int[] kept = null;
        int[] joined = null;
        int[] start = null;
        int[] layersDir = null;
        try (Arena arena = Arena.ofConfined(); AwaitClone awaitClone = new AwaitClone()) {
            NetworkSetup network = NetworkSetup.prepare(spec, cleanup);
            if (network != null) {
                spec = network.spec(); // with the container's /etc files bound
            }
            mountPoints = MountPoints.before(spec);
            sync = Libc.pipe2(Abi.O_CLOEXEC);
            err = Libc.pipe2(Abi.O_CLOEXEC);
            if (spec.resources().isPresent()) {
                warm(err, arena); // a child at its cgroup's memory limit must still be able to report
            }
            boolean ownSpace = SpecCompiler.usesSetupExecutable(spec) || startFifo >= 0;
            setupExe = ownSpace ? new int[] {openSetupExecutable(spec)} : null;
            status = spec.process().init() ? Libc.pipe2(Abi.O_CLOEXEC) : null;
            // a created container execs the setup executable at once, as with an init: its own memory before
            // it joins the cgroup, no vfork needed
            boolean vfork = SpecCompiler.usesVfork(spec) && startFifo < 0;
            hello = vfork ? Libc.pipe2(Abi.O_CLOEXEC) : null;
            joined = JoinedNamespaces.open(spec);
            kept = keptCopies();
            if (kept.length > 0) { // the child still writes these after its dups onto the kept numbers
                err[1] = clearOfKept(err[1]);
                if (status != null) {
                    status[1] = clearOfKept(status[1]);
                }
            }
            ChildFds fds = new ChildFds(hello == null ? null : ChildFds.fd(hello[1], "hello_w"),
                    ChildFds.fd(sync[0], "sync_r"), ChildFds.fd(sync[1], "sync_w"),
                    ChildFds.fd(err[1], "err_w"), ownSpace ? ChildFds.fd(setupExe[0], "setup_exe") : null,
                    status == null ? null : ChildFds.fd(status[1], "status_w"),
                    stdio.childArg(0), stdio.childArg(1), stdio.childArg(2), keptArgs(kept))
                    .withJoins(JoinedNamespaces.args(spec, joined));
            if (startFifo >= 0) { // the launch's own copy, numbered above every kept container descriptor
                start = new int[] {Libc.fcntl(startFifo, Abi.F_DUPFD_CLOEXEC, aboveKept())};
                fds = fds.withStart(ChildFds.fd(start[0], "start_fifo"));
            }
            layersDir = overlayRoot(cleanup);
            if (layersDir != null) {
                fds = fds.withLayersDir(ChildFds.fd(layersDir[0], "layers_dir"));
            }
            int statusWrite = status == null ? -1 : status[1];
            ChildProgram program;
            MemorySegment inJvm;
            // the usual launch: a spec launched before is not compiled again (one that shares another container's
            // namespaces is: a kept template would keep that container's handle reachable); an ephemeral root's
            // per-launch layers are named relative to the layers' descriptor, so its program is the same too
            if (faulty == NO_FAULTS && spec.joins().stream().allMatch(j -> j.path().isPresent())
                    && start == null && network == null) {
                ProgramTemplate template = ProgramTemplate.of(spec, fds);
                program = template.program();
                ProgramTemplate.Images images = template.images(fds, err[1], statusWrite);
                inJvm = writeImages(images.first(), images.setup(), setupExe, arena);
            } else {
                program = SpecCompiler.compile(spec, fds);
                inJvm = writeImages(program, setupExe, err[1], statusWrite, arena);
            }
            java.util.Optional<IdMapWriter> maps = IdMapWriter.prepare(spec);

            // CLONE. A child that will join a cgroup: a CLONE_VFORK child, which the OOM killer never picks,
            // made by the cloner thread, which sleeps until the child's final exec while this thread runs the
            // protocol. With an init: a child that execs the setup executable at once (after its maps, with a
            // user namespace); the parent makes the cgroup meanwhile and lets it join only once that exec has
            // happened (EOF on the close-on-exec exec pipe), so it never shares the JVM's memory in there.
            // Otherwise a plain CLONE_VM child of this thread: in no cgroup of its own, nothing the kernel does
            // to it reaches the JVM that it would not do to the JVM anyway.
            exec = ownSpace ? Libc.pipe2(Abi.O_CLOEXEC) : null;
            MemorySegment pidfdOut = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment tidOut = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment args = cloneArgs(arena, pidfdOut, tidOut, vfork);
            long pid;
            if (faulty.test(CLONE3)) {
                pid = -injectedErrno; // a test's refused clone3: no child at all
            } else if (!vfork) {
                pid = trampoline.spawn(args, inJvm);
            } else {
                int helloWrite = hello[1];
                long argsAddress = args.address();
                long argsSize = args.byteSize();
                long programAddress = inJvm.address();
                awaitClone.clone = LauncherThread.onClonerThread(() -> {
                    try {
                        return trampoline.spawn(argsAddress, argsSize, programAddress);
                    } finally {
                        sayDone(helloWrite);
                    }
                });
                try {
                    pid = awaitHello(hello[0], awaitClone.clone, tidOut, pidfdOut);
                } catch (RuntimeException | Error failure) {
                    // a child may exist, waiting for its go: EOF on the sync pipe ends it, so that its
                    // clone3 returns before AwaitClone waits for that
                    Libc.close(sync[1]);
                    sync[1] = -1;
                    throw failure;
                }
            }
            if (pid < 0) {
                String call = faulty.test(CLONE3) ? "clone3" : Trampoline.cloneCall();
                throw FailureReport.parentCall(spec, "create the container's process", call, (int) -pid, null,
                        CloneHints.refused(spec, call).toArray(Hint[]::new));
            }
            int pidfd = pidfdOut.get(ValueLayout.JAVA_INT, 0);
            boolean awaiting = false;
            Cgroup cgroup = null;
            try {
                closeAll(setupExe);
                setupExe = null;
                if (exec != null) {
                    Libc.close(exec[1]);
                    exec[1] = -1;
                }
                // USER_MAPPINGS: the child waits on the sync pipe meanwhile
                maps.ifPresent(m -> m.write(pid));
                if (ownSpace && maps.isPresent()) {
                    release(sync[1]); // once: now it may exec the setup executable
                }
                cgroup = createCgroup(cleanup);
                if (exec != null) {
                    awaitEof(exec[0]);
                }
                // CGROUP: the child waits on the sync pipe meanwhile, in its own address space.
                joinCgroup(spec, "join the cgroup", cgroup, pid);
                // NETWORK: veth, addresses, routes and ports while the child waits in its network namespace
                if (network != null) {
                    network.attach(pid, startFifo >= 0 || !spec.process().dieWithParent());
                }
                release(sync[1]);
                Libc.close(sync[0]);
                Libc.close(sync[1]);
                sync = null;
                Libc.close(err[1]);
                err[1] = -1;
                if (status != null) {
                    Libc.close(status[1]);
                    status[1] = -1;
                }
                stdio.closeChildEnds();
                awaiting = true;
                awaitExec(err[0], program);
            } catch (RuntimeException | Error failure) {
                undo(pidfd);
                if (!awaiting && failure instanceof RuntimeException parentSide) {
                    throw childFailureOr(parentSide, err[0], program);
                }
                throw failure;
            }
            InitStatus init = status == null ? InitStatus.NONE : new InitStatus(status[0]);
            status = null; // the handle owns the read end now
            RunningContainer running = handOver(pid, pidfd, cgroup, init, stdio, cleanup);
            mountPoints.keep();
            running.execFrom(spec);
            if (network != null) {
                running.addresses(network.addresses());
                network.started(running);
            }
            return running;
        } catch (RuntimeException | Error failure) {
            primary = failure;
            throw failure;
        } finally {
            // close the launch's own descriptors first: a failing undo must not leak them
            try {
                closeAll(sync);
                closeAll(err);
                closeAll(setupExe);
                closeAll(exec);
                closeAll(status);
                closeAll(hello);
                closeAll(kept);
                closeAll(joined);
                closeAll(start);
                closeAll(layersDir);
                stdio.close();
            } finally {
                if (primary != null) {
                    try {
                        cleanup.close();
                    } catch (RuntimeException undoFailed) {
                        primary.addSuppressed(undoFailed);
                    }
                    try {
                        if (mountPoints != null) {
                            mountPoints.removeAfterFailure();
                        }
                    } catch (java.io.IOException | RuntimeException undoFailed) {
                        primary.addSuppressed(undoFailed);
                    }
                }
            }
        }
    }

    /** One above the highest container descriptor the spec keeps (3 without any). */
    private int aboveKept() {
        return spec.process().keptFds().stream().mapToInt(ProcessSpec.KeptFd::containerFd).max().orElse(2) + 1;
    }

    /**
     * The launch's own close-on-exec copies of the descriptors the spec keeps, numbered above every kept
     * container descriptor, so that no dup onto a kept number in the child closes a source not yet dup'ed.
     */
    private int[] keptCopies() {
        java.util.List<ProcessSpec.KeptFd> keep = spec.process().keptFds();
        int[] copies = new int[keep.size()];
        java.util.Arrays.fill(copies, -1);
        try {
            for (int i = 0; i < copies.length; i++) {
                ProcessSpec.KeptFd k = keep.get(i);
                try {
                    copies[i] = Libc.fcntl(k.hostFd(), Abi.F_DUPFD_CLOEXEC, aboveKept());
                } catch (ErrnoException e) {
                    throw FailureReport.parentCall(spec, "keep host descriptor " + k.hostFd() + " open as fd "
                            + k.containerFd(), "fcntl", e.errno(), e);
                }
            }
            return copies;
        } catch (RuntimeException | Error failure) {
            closeAll(copies);
            throw failure;
        }
    }

    private java.util.List<ChildFds.Kept> keptArgs(int[] copies) {
        java.util.List<ProcessSpec.KeptFd> keep = spec.process().keptFds();
        return java.util.stream.IntStream.range(0, copies.length).mapToObj(i -> new ChildFds.Kept(
                ChildFds.fd(copies[i], "keep_" + keep.get(i).containerFd()), keep.get(i).containerFd())).toList();
    }

    /** {@code fd}, or a copy above the kept numbers (the original closed) if a kept number would replace it. */
    private int clearOfKept(int fd) {
        if (spec.process().keptFds().stream().noneMatch(k -> k.containerFd() == fd)) {
            return fd;
        }
        int moved = Libc.fcntl(fd, Abi.F_DUPFD_CLOEXEC, aboveKept());
        Libc.close(fd);
        return moved;
    }

    static int openSetupExecutable(ContainerSpec spec) {
        try {
            return SetupExecutable.open();
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, "create the setup executable", e.call(), e.errno(), e);
        }
    }

    /**
     * The program's two stages: the steps after the setup exec go into the sealed setup executable at its
     * fixed address; the steps before it are placed in {@code arena} for the trampoline, which returns them.
     * Without a setup executable the whole program is placed in {@code arena}.
     */
    private MemorySegment writeImages(ChildProgram program, int[] setupExe, int errorWrite, int statusWrite,
                                      Arena arena) {
        SyscallTable table = Arch.current().syscalls();
        int split = setupExe == null ? program.steps().size() : program.setupExecFrom();
        ProgramImage setup = setupExe == null ? null
                : ProgramImage.encode(program, split, program.steps().size(), errorWrite, statusWrite, table, faulty);
        return writeImages(ProgramImage.encode(program, 0, split, errorWrite, statusWrite, table, faulty), setup,
                setupExe, arena);
    }

    /** Writes {@code setup} (null without a setup executable) into it, and places {@code first} in {@code arena}. */
    private MemorySegment writeImages(ProgramImage first, ProgramImage setup, int[] setupExe, Arena arena) {
        if (setupExe != null) {
            try {
                SetupExecutable.fill(setupExe[0], setup);
            } catch (ErrnoException e) {
                throw FailureReport.parentCall(spec, "write the setup executable", e.call(), e.errno(), e);
            }
        }
        return first.place(arena);
    }

    /**
     * A parent-side step failed after clone (joining the cgroup, say): if the child had already failed and
     * reported why, that report is the cause the user needs; the parent's failure is kept as suppressed.
     */
    private RuntimeException childFailureOr(RuntimeException failure, int errorRead, ChildProgram program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment poll = arena.allocate(Abi.SIZEOF_POLLFD, 8);
            poll.set(ValueLayout.JAVA_INT, Abi.OFFSETOF_POLLFD_FD, errorRead);
            poll.set(ValueLayout.JAVA_SHORT, Abi.OFFSETOF_POLLFD_EVENTS, (short) Abi.POLLIN);
            if (Libc.poll(poll, 1, 0) <= 0) {
                return failure;
            }
        } catch (RuntimeException unreadable) {
            failure.addSuppressed(unreadable);
            return failure;
        }
        try {
            awaitExec(errorRead, program); // reads the record and throws its report
            return failure;
        } catch (RuntimeException report) {
            report.addSuppressed(failure);
            return report;
        }
    }

    /**
     * The child has exec'd: its streams become Java streams and the pidfd goes to the reaper and the handle.
     * If that fails (EMFILE reopening a pipe), the running container is killed and reaped, not orphaned.
     */
    static RunningContainer handOver(long pid, int pidfd, Cgroup cgroup, InitStatus init, StdioSetup stdio,
                                      Cleanup cleanup) {
        return handOver(pid, pidfd, cgroup, init, stdio, cleanup, true);
    }

    /**
     * As above; {@code reap} false leaves the process unreaped (a detached exec, {@code ExecLaunch}): its status
     * belongs to whoever inherits it when this JVM exits (the caller's subreaper: conmon, the shim), as runc
     * leaves it; the handle's {@code waitFor()} never returns and its {@code close()} lets the process go.
     */
    static RunningContainer handOver(long pid, int pidfd, Cgroup cgroup, InitStatus init, StdioSetup stdio,
                                      Cleanup cleanup, boolean reap) {
        java.io.OutputStream in;
        java.io.InputStream out;
        java.io.InputStream errors;
        try {
            in = stdio.stdinStream();
            out = stdio.stdoutStream();
            errors = stdio.stderrStream();
        } catch (RuntimeException | Error failure) {
            undo(pidfd);
            init.close();
            throw failure;
        }
        CompletableFuture<Reaper.Reaped> reaped = !reap ? new CompletableFuture<>() : Reaper.get().watch(pidfd)
                .thenApply(r -> new Reaper.Reaped(init.commandStatus(r.status()), r.cpuNanos(), r.maxRssBytes()));
        RunningContainer container = new RunningContainer(pid, pidfd, reaped,
                cgroup, in, out, errors, cleanup::close);
        container.attach(stdio.terminal());
        if (!reap) {
            container.detach();
        }
        return container;
    }

    /**
     * The ephemeral root's writable layers for this launch; returns the descriptor of their temporary
     * directory ({@link ChildFds#layersDir}), or null without one.
     */
    private int[] overlayRoot(Cleanup cleanup) {
        OverlayRoot.pin(spec, cleanup);
        try {
            int fd = OverlayRoot.prepare(spec, cleanup);
            return fd < 0 ? null : new int[] {fd};
        } catch (java.io.IOException e) {
            throw FailureReport.parentCall(spec, "create the ephemeral root's upper layer", "mkdir", 0, e);
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, "open the ephemeral root's layers' directory", e.call(), e.errno(),
                    e);
        }
    }

    static StdioSetup openStdio(ContainerSpec spec) {
        try {
            return StdioSetup.open(spec.process());
        } catch (StdioSetup.OpenFailure e) {
            throw FailureReport.parentCall(spec, "open " + e.path + " as " + e.stream, e.errnoCause().call(),
                    e.errnoCause().errno(), e);
        }
    }

    /** Host side, before clone: the container's own cgroup, removed on failure or at close. */
    private Cgroup createCgroup(Cleanup cleanup) {
        if (spec.resources().isEmpty()) {
            return null;
        }
        try {
            Cgroup cgroup = cgroups.apply(spec.resources().get());
            cleanup.push("remove cgroup " + cgroup.name(), cgroup::close);
            return cgroup;
        } catch (CgroupException e) {
            throw FailureReport.refused(spec, "create the cgroup", "mkdir", e.getMessage(), e);
        }
    }

    /** CGROUP: the child joins before it runs a single setup step (it is blocked on the sync pipe). */
    static void joinCgroup(ContainerSpec spec, String what, Cgroup cgroup, long pid) {
        if (cgroup == null) {
            return;
        }
        try {
            cgroup.addProcess(pid);
        } catch (CgroupException e) {
            throw FailureReport.refused(spec, what, "write", e.getMessage(), e);
        }
    }

    private MemorySegment cloneArgs(Arena arena, MemorySegment pidfdOut, MemorySegment tidOut, boolean vfork) {
        MemorySegment args = cloneArgs(arena, Abi.CLONE_VM | Abi.CLONE_PIDFD | Abi.CLONE_PARENT_SETTID
                | (vfork ? Abi.CLONE_VFORK : 0) | Namespace.flags(OverlaySteps.cloneNamespaces(spec)), pidfdOut,
                STACK_SIZE);
        args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_PARENT_TID, tidOut.address());
        return args;
    }

    /**
     * The launcher's clone of {@code spec}'s child as one line for {@code Launcher.plan}: {@code call} is clone3,
     * or clone where clone3 is refused (ENOSYS) in this JVM.
     */
    static String cloneLine(ContainerSpec spec, String call) {
        java.util.List<String> flags = new java.util.ArrayList<>(java.util.List.of("CLONE_VM", "CLONE_PIDFD"));
        if (call.equals("clone3")) {
            flags.add("CLONE_PARENT_SETTID");
        }
        if (SpecCompiler.usesVfork(spec)) {
            flags.add("CLONE_VFORK");
        }
        for (Namespace ns : OverlaySteps.cloneNamespaces(spec)) {
            flags.add(ns == Namespace.MOUNT ? "CLONE_NEWNS" : "CLONE_NEW" + ns.procName().toUpperCase(java.util.Locale.ROOT));
        }
        String joined = String.join("|", flags);
        String line = call.equals("clone3")
                ? "clone3({flags=" + joined + ", pidfd=&pidfd, exit_signal=SIGCHLD, stack_size=" + STACK_SIZE + "})"
                : "clone(" + joined + "|SIGCHLD, stack+" + STACK_SIZE + ", &pidfd, NULL, NULL)";
        return String.format("  -  %s  # the launcher creates the child, every signal blocked%s%n", line,
                call.equals("clone") ? " (clone3 is refused here: ENOSYS)" : "");
    }

    /**
     * Closing this waits for a clone on the cloner thread to return: a vfork child runs on the launch's
     * memory (stack, program) until its exec or its death, so the arena may only close after that. Declared
     * after the arena in try-with-resources, so it closes first.
     */
    private static final class AwaitClone implements AutoCloseable {
        Future<Long> clone;

        @Override
        public void close() {
            if (clone == null) {
                return;
            }
            // after the exec the cloner thread returns within microseconds: spin briefly before parking
            for (int i = 0; i < 2000 && !clone.isDone(); i++) {
                Thread.onSpinWait();
            }
            LauncherThread.await(clone);
        }
    }

    /**
     * Waits for the vfork child's first step ("H" on the hello pipe: it runs, and its pid is in
     * {@code tidOut}, or with clone, which stores no tid beside a pidfd, in the pidfd's fdinfo) or for the
     * cloner thread's "D" (clone3 returned first: it failed, or the child died before its first step).
     * Returns the pid, or clone3's -errno.
     */
    private static long awaitHello(int helloRead, Future<Long> cloning, MemorySegment tidOut,
                                   MemorySegment pidfdOut) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment b = arena.allocate(1);
            if (Libc.read(helloRead, b, 1) == 1 && b.get(ValueLayout.JAVA_BYTE, 0) == 'H') {
                int tid = tidOut.get(ValueLayout.JAVA_INT, 0);
                return tid != 0 ? tid : pidOf(pidfdOut.get(ValueLayout.JAVA_INT, 0));
            }
        }
        return LauncherThread.await(cloning);
    }

    /** The pid a pidfd refers to, in this JVM's pid namespace: the "Pid:" line of its fdinfo. */
    private static long pidOf(int pidfd) {
        String fdinfo = "/proc/self/fdinfo/" + pidfd;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(fdinfo))) {
                if (line.startsWith("Pid:")) {
                    return Long.parseLong(line.substring(4).strip());
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the child's pid from " + fdinfo, e);
        }
        throw new IllegalStateException("no Pid: line in " + fdinfo);
    }

    /**
     * Writes a byte through the error pipe and reads it back, so that the pipe keeps a page for the child's
     * failure record: a child in a cgroup at its memory limit must still be able to report its ENOMEM, and
     * a pipe write that needs a new page would fail too (the kernel reuses a pipe's spare page first).
     */
    private static void warm(int[] pipe, Arena arena) {
        MemorySegment b = arena.allocate(1);
        Libc.write(pipe[1], b, 1);
        Libc.read(pipe[0], b, 1);
    }

    /** On the cloner thread, once clone3 has returned: wakes a launcher thread that still waits for "H". */
    private static void sayDone(int helloWrite) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.write(helloWrite, arena.allocateFrom("D"), 1);
        }
    }

    /** Reads until EOF: every copy of the pipe's close-on-exec write end is gone (the child exec'd or died). */
    static void awaitEof(int read) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            while (Libc.read(read, buf, 64) > 0) {
                // nothing is ever written; a stray byte is not EOF
            }
        }
    }

    /**
     * A {@code struct clone_args} for the trampoline: {@code flags}, the pidfd written to {@code pidfdOut},
     * SIGCHLD on exit, and a fresh 16-byte aligned stack of {@code stackSize} in {@code arena}.
     */
    static MemorySegment cloneArgs(Arena arena, long flags, MemorySegment pidfdOut, long stackSize) {
        MemorySegment stack = arena.allocate(stackSize, 16);
        MemorySegment args = arena.allocate(Abi.SIZEOF_CLONE_ARGS, 8);
        args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_FLAGS, flags);
        args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_PIDFD, pidfdOut.address());
        args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_EXIT_SIGNAL, Abi.SIGCHLD);
        args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_STACK, stack.address()); // lowest address
        args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_STACK_SIZE, stackSize);
        return args;
    }

    /** RELEASE: the child's first wait step needs exactly one byte. */
    static void release(int syncWrite) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.write(syncWrite, arena.allocate(1), 1);
        }
    }

    /** {@code failure} as a test injected it: ENOSYS of a faulty step read as the injected errno. */
    private ProgramImage.StepFailure injected(ProgramImage.StepFailure failure) {
        return faulty.test(failure.index()) && failure.errno() == Errno.number("ENOSYS")
                ? new ProgramImage.StepFailure(failure.index(), failure.step(), injectedErrno, -injectedErrno)
                : failure;
    }

    /** EXEC_OR_ERROR: EOF means execve closed the child's copy of the error pipe; 16 bytes are a failure. */
    private void awaitExec(int errorRead, ChildProgram program) {
        awaitExec(spec, errorRead, program, this::injected);
    }

    /** As above, for {@code spec}'s program; {@code injected} reads a failure as a test injected it. */
    static void awaitExec(ContainerSpec spec, int errorRead, ChildProgram program,
                          java.util.function.UnaryOperator<ProgramImage.StepFailure> injected) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment record = arena.allocate(ProgramLayout.RECORD_SIZE, 8);
            long got = 0;
            while (got < ProgramLayout.RECORD_SIZE) {
                long n = Libc.read(errorRead, record.asSlice(got), ProgramLayout.RECORD_SIZE - got);
                if (n == 0) {
                    break;
                }
                got += n;
            }
            if (got == ProgramLayout.RECORD_SIZE) {
                throw FailureReport.childStep(spec, injected.apply(ProgramImage.decode(program, record)));
            }
            if (got != 0) {
                throw FailureReport.refused(spec, "read the child's failure record", "read",
                        "torn record (" + got + " of " + ProgramLayout.RECORD_SIZE + " bytes)");
            }
        }
    }

    /** Kills and reaps the child so that a failed launch leaves no process and no zombie. */
    static void undo(int pidfd) {
        try {
            Libc.pidfdSendSignal(pidfd, Abi.SIGKILL);
        } catch (RuntimeException alreadyGone) {
            // ESRCH: it exited on its own (exit_group(127) after reporting); reap it all the same
        }
        try {
            Reaper.get().reapNow(pidfd);
        } finally {
            Libc.close(pidfd);
        }
    }

    static void closeAll(int[] fds) {
        if (fds == null) {
            return;
        }
        for (int fd : fds) {
            if (fd >= 0) {
                Libc.close(fd);
            }
        }
    }
}
