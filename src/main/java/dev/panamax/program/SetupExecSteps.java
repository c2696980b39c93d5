package dev.panamax.program;

import dev.panamax.sys.internal.Flags;

import java.util.List;

/**
 * The only steps that run in the JVM's address space (the child is a {@code CLONE_VM} child of the launcher
 * thread) when the launch uses the setup executable: keep the launch's descriptors across one exec, then
 * {@code execveat} the sealed setup executable, which holds the interpreter and the rest of the program.
 * From there on the child has an address space of its own, a few pages, so whatever the kernel does to it
 * (a memory cgroup's OOM kill, a user namespace, outliving the JVM) never touches the JVM. The parent makes
 * the cgroup while the child execs, and lets it join only after the exec (EOF on a close-on-exec pipe).
 *
 * <p>With a user namespace the child first waits for its maps: an execve by a uid that the namespace does
 * not map yet, or by one that is not its root, would drop every capability the child has in it. So the
 * child becomes root in the namespace first; the parent writes the maps and releases it once, and once
 * more after the cgroup join ({@link ParentSync}).
 */
final class SetupExecSteps {
    /** argv[0] of the setup executable: its process name until the final execve. */
    static final String NAME = "panamax-setup";

    private SetupExecSteps() {
    }

    static void emit(Emit e) {
        if (!used(e)) {
            return;
        }
        if (waitsForMaps(e)) {
            ParentSync.beforeSetupExec(e); // root in the namespace execs with its full capability set
        }
        for (Arg.Word fd : e.fds().keptAcrossSetupExec()) {
            e.add(Step.of("keep " + fd.render().replaceFirst("=.*", "") + " across the setup executable's exec",
                    "fcntl", fd, Arg.flags(Flags.F_SETFD), new Arg.Word(0)));
        }
        e.add(Step.of("leave the JVM's address space: run the rest in the setup executable", "execveat",
                e.fds().setupExecutable(), new Arg.CString(""), new Arg.CStringArray(List.of(NAME)),
                new Arg.CStringArray(List.of()), Arg.flags(Flags.AT_EMPTY_PATH)));
        e.out().markOwnAddressSpace();
    }

    /**
     * Whether a launch of {@code spec} runs its setup in the setup executable: when the child stays alive as
     * the container's init, which must never share the JVM's memory. A child that joins a cgroup is a
     * {@code CLONE_VM|CLONE_VFORK} child until its final exec instead, which the OOM killer never picks (the
     * kernel skips a task in vfork, whose memory is its parent's): in a cgroup at its limit its setup steps
     * fail with ENOMEM, and the JVM is unharmed, without the exec's cost (about 0.3 ms here).
     */
    static boolean used(dev.panamax.ContainerSpec spec) {
        return spec.process().init();
    }

    /** Whether this launch runs its setup in the setup executable: as {@link #used(dev.panamax.ContainerSpec)}, or created. */
    static boolean used(Emit e) {
        return used(e.spec()) || CreatedSteps.created(e);
    }

    /** A user namespace's maps must exist before the setup exec (see above). */
    static boolean waitsForMaps(Emit e) {
        return used(e) && e.spec().users().present();
    }
}
