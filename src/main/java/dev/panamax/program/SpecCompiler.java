package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.ProcessSpec;
import dev.panamax.Stdio;
import dev.panamax.trampoline.Arch;

/**
 * Compiles a {@link ContainerSpec} into the {@link ChildProgram} the child runs between clone and execve.
 * The list in {@link #program} is the child's setup order; each group is a small class. The result depends
 * on the spec, the {@link Host} and the {@link Arch} only: the overloads without them use the current ones.
 */
public final class SpecCompiler {
    private SpecCompiler() {
    }

    /**
     * The program for a launch, with real descriptors (with an ephemeral root in a temporary directory, its
     * {@link ChildFds#layersDir} too: see {@link OverlaySteps}).
     */
    public static ChildProgram compile(ContainerSpec spec, ChildFds fds) {
        return compile(spec, fds, Host.current(), Arch.current());
    }

    /** As above, for a launch from {@code host} on {@code arch}. */
    public static ChildProgram compile(ContainerSpec spec, ChildFds fds, Host host, Arch arch) {
        Emit e = new Emit(spec, fds, host, arch, new ChildProgram.Builder());
        program(e);
        return e.out().build();
    }

    /** The program with symbolic descriptors, for {@code Launcher.plan}: on this host and architecture. */
    public static ChildProgram plan(ContainerSpec spec) {
        return plan(spec, Host.current(), Arch.current());
    }

    /** The program with symbolic descriptors that a launch of {@code spec} from {@code host} on {@code arch} runs. */
    public static ChildProgram plan(ContainerSpec spec, Host host, Arch arch) {
        ProcessSpec p = spec.process();
        return compile(spec, ChildFds.symbolic(p.init(), usesVfork(spec), piped(p.stdin()), piped(p.stdout()),
                piped(p.stderr())).withKept(ChildFds.symbolicKept(p.keptFds()))
                        .withJoins(ChildFds.symbolicJoins(spec.joins()))
                        .withLayersDir(OverlaySteps.usesLayersDir(spec) ? Arg.Word.unknown("layers_dir") : null),
                host, arch);
    }

    /** Whether a launch gives the child a descriptor for stream {@code s} ({@code stdin_fd} and the like). */
    public static boolean piped(Stdio s) {
        return !(s instanceof Stdio.Inherit) && !(s instanceof Stdio.MergeWithStdout);
    }

    private static void program(Emit e) {
        SetupExecSteps.emit(e);
        ParentSync.emit(e);
        JoinSteps.emit(e);
        RootfsSteps.prepare(e);
        MountSteps.emit(e);
        RootfsSteps.enter(e);
        HostIdentitySteps.emit(e);
        ExecSteps.stdio(e);
        TerminalSteps.emit(e);
        ExecSteps.workingDirectory(e);
        ExecSteps.signals(e);
        CreatedSteps.emit(e); // a created container waits here for its start
        HardeningSteps.beforeIdentity(e);
        // The process's identity changes late: all setup above needs root (in the namespace); it comes after
        // the bounding set is cut with full capabilities and PR_SET_KEEPCAPS is on, and before capset
        // restores the effective set the uid change clears.
        IdentitySteps.processUser(e);
        HardeningSteps.afterIdentity(e);
        InitSteps.emit(e);
        ExecSteps.execve(e);
    }

    /** Whether a launch of {@code spec} runs its setup in the setup executable (see {@code SetupExecSteps}). */
    public static boolean usesSetupExecutable(ContainerSpec spec) {
        return SetupExecSteps.used(spec);
    }

    /**
     * Whether a launch of {@code spec} clones a {@code CLONE_VFORK} child on the cloner thread: when the
     * child joins a cgroup without the setup executable (a vforked task is never an OOM victim, so the
     * cgroup cannot take the JVM down with it). Its first step then says "H" on the hello pipe.
     */
    public static boolean usesVfork(ContainerSpec spec) {
        return spec.resources().isPresent() && !usesSetupExecutable(spec);
    }

    /**
     * The hints that hold whichever step fails (a memory limit; EPERM without root), also for the launcher's
     * own calls on the container's behalf. Made when a launch fails, not at every compile.
     */
    public static java.util.List<Hint> hintsForEveryStep(ContainerSpec spec) {
        return Hints.everyStep(spec, Host.current());
    }

    /**
     * The hint a failure with {@code errno} shows: the first of the step's (or call's) {@code own} hints that
     * explains it, else the first of {@link #hintsForEveryStep}.
     */
    public static java.util.Optional<Hint> hintFor(ContainerSpec spec, java.util.List<Hint> own, int errno) {
        return Hint.forErrno(own, errno).or(() -> Hint.forErrno(hintsForEveryStep(spec), errno));
    }

    /** The paths execve will try for the spec's program (for messages). */
    public static java.util.List<String> candidates(ProcessSpec p) {
        return ExecSteps.candidates(p);
    }
}
