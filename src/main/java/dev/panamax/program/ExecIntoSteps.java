package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.Hardening;
import dev.panamax.ProcessIdentity;
import dev.panamax.ProcessSpec;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Flags;
import dev.panamax.trampoline.Arch;

import java.util.List;
import java.util.stream.Collectors;

import static dev.panamax.program.Emit.NULL;

/**
 * The program of an exec into a running container: a second child, cloned without namespace flags, that
 * leaves the JVM's address space (the setup executable: {@code setns} into a user namespace is refused to a
 * {@code CLONE_VM} child), waits while the parent puts it into the container's cgroup, joins every namespace
 * of the container through its pidfd ({@code setns(pidfd, flags)}: a recycled pid is never joined), takes
 * the container's root ({@code fchdir} + {@code chroot(".")} on the root the parent opened, as nsenter
 * does), and forks: joining a PID namespace applies to children only. The parent stays outside the
 * container's PID namespace as a relay (the init's loop: it forwards signals to the command and reports its
 * wait status); the child, in the container's PID namespace and dying with the relay, applies the
 * container's hardening (rlimits, bounding set, identity, capabilities, no_new_privs, seccomp filter, all
 * compiled from the container's spec) with the exec's process (argv, environment, working directory,
 * stdio), and execs.
 */
public final class ExecIntoSteps {
    private ExecIntoSteps() {
    }

    /**
     * The exec's program.
     *
     * @param spec  the spec of the exec ({@link #execSpec}): the container's, with the exec's process
     * @param fds   the exec's descriptors (no hello pipe; a setup executable and a status pipe)
     * @param pidfd the container's pidfd, or a symbolic one in a plan
     * @param root  a descriptor of the container's root directory ({@code /proc/PID/root})
     * @return the program
     */
    public static ChildProgram compile(ContainerSpec spec, ChildFds fds, Arg.Word pidfd, Arg.Word root) {
        Emit e = new Emit(spec, fds, Host.current(), Arch.current(), new ChildProgram.Builder());
        for (Arg.Word fd : fds.keptAcrossSetupExec()) {
            e.add(keep(fd));
        }
        e.add(keep(pidfd));
        e.add(keep(root));
        e.add(Step.of("leave the JVM's address space: run the rest in the setup executable", "execveat",
                fds.setupExecutable(), new Arg.CString(""), new Arg.CStringArray(List.of(SetupExecSteps.NAME)),
                new Arg.CStringArray(List.of()), Arg.flags(Flags.AT_EMPTY_PATH)));
        e.out().markOwnAddressSpace();
        if (spec.process().dieWithParent()) { // off for a detached exec: it outlives the JVM that starts it
            dieWithParent(e, "die with the launching JVM");
        }
        e.add(Step.of("wait for the parent's go (it joined the container's cgroup; EOF: the parent died)", "read",
                fds.syncRead(), new Arg.Buffer(1), new Arg.Word(1)).expecting(1));
        e.add(Step.of("close the sync pipe", "close", fds.syncRead()));
        long flags = Namespace.flags(joined(spec));
        e.add(Step.of("join the container's namespaces through its pidfd", "setns", pidfd,
                Arg.Word.noted(flags, joined(spec).stream().map(ExecIntoSteps::cloneName)
                        .collect(Collectors.joining("|")))));
        e.add(Step.of("enter the container's root", "fchdir", root));
        e.add(Step.of("make it this process's root", "chroot", new Arg.CString(".")));
        e.add(Step.of("close the container's pidfd", "close", pidfd));
        e.add(Step.of("close the container's root", "close", root));
        ExecSteps.resetHandlers(e); // every signal stays blocked: the relay waits for them
        e.add(Step.of("fork the command into the container's PID namespace; this process relays", "clone",
                Arg.flags(Flags.SIGCHLD), NULL, NULL, NULL, NULL).forkingInit());
        dieWithParent(e, "die with the relay");
        IdentitySteps.enterNamespace(e);
        ExecSteps.stdio(e);
        TerminalSteps.emit(e);
        ExecSteps.workingDirectory(e);
        HardeningSteps.beforeIdentity(e);
        IdentitySteps.processUser(e);
        HardeningSteps.afterIdentity(e);
        ExecSteps.unblockSignals(e);
        ExecSteps.execve(e);
        return e.out().build();
    }

    /**
     * The container's spec with the exec's process, user and capabilities: what the steps compile, and what
     * failures name. The exec always dies with the JVM and never runs an init of its own.
     *
     * @param c                the running container's spec
     * @param exec             the process to run in it
     * @param user             the exec's identity; empty: the container's
     * @param dropCapabilities capabilities of the container's that the exec does not get
     * @return the spec an exec compiles from
     * @throws dev.panamax.spec.InvalidSpecException when {@code user} is not mapped in the user namespace
     */
    public static ContainerSpec execSpec(ContainerSpec c, ProcessSpec exec, java.util.Optional<ProcessIdentity> user,
                                         java.util.Set<Capability> dropCapabilities) {
        Hardening h = c.hardening();
        java.util.Set<Capability> caps = new java.util.HashSet<>(h.capabilities());
        caps.removeAll(dropCapabilities);
        java.util.Set<Capability> ambient = new java.util.HashSet<>(h.ambientCapabilities());
        ambient.removeAll(dropCapabilities);
        Hardening fewer = new Hardening(caps, ambient, h.noNewPrivileges(), h.seccomp(), h.rlimits(),
                h.oomScoreAdj(), h.umask());
        return execSpec(c, exec, user, fewer, true);
    }

    /**
     * The container's spec with the exec's process, user and hardening.
     *
     * @param c          the container's spec
     * @param exec       the process to run in it
     * @param user       the exec's identity; empty: the container's
     * @param hardening  the exec's hardening
     * @param dieWithJvm whether the exec dies with the JVM that starts it (off: a detached exec)
     * @return the spec an exec compiles from
     * @throws dev.panamax.spec.InvalidSpecException when {@code user} is not mapped in the user namespace
     */
    public static ContainerSpec execSpec(ContainerSpec c, ProcessSpec exec, java.util.Optional<ProcessIdentity> user,
                                         Hardening hardening, boolean dieWithJvm) {
        ProcessSpec p = new ProcessSpec(exec.argv(), exec.environment(), exec.workingDirectory(), exec.stdin(),
                exec.stdout(), exec.stderr(), dieWithJvm, exec.newSession(), false, exec.argv0(), exec.keptFds());
        return new ContainerSpec(c.namespaces(), c.rootfs(), c.rootEntry(), c.mountProc(), c.hostname(),
                c.domainname(), p, c.resources(), hardening, c.users(), user.isPresent() ? user : c.identity(),
                c.filesystem());
    }

    /** The namespaces an exec joins: all the container has (its user namespace only when it has its own). */
    static java.util.Set<Namespace> joined(ContainerSpec c) {
        java.util.EnumSet<Namespace> ns = java.util.EnumSet.noneOf(Namespace.class);
        ns.addAll(c.namespaces());
        if (!c.users().present()) {
            ns.remove(Namespace.USER);
        }
        return ns;
    }

    private static String cloneName(Namespace ns) {
        return ns == Namespace.MOUNT ? "CLONE_NEWNS" : "CLONE_NEW" + ns.procName().toUpperCase(java.util.Locale.ROOT);
    }

    private static Step keep(Arg.Word fd) {
        return Step.of("keep " + fd.render().replaceFirst("=.*", "") + " across the setup executable's exec",
                "fcntl", fd, Arg.flags(Flags.F_SETFD), new Arg.Word(0));
    }

    private static void dieWithParent(Emit e, String what) {
        e.add(Step.of(what, "prctl", Arg.flags(Flags.PR_SET_PDEATHSIG), Arg.flags(Flags.SIGKILL)));
    }
}
