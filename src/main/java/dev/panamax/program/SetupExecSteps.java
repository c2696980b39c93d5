package dev.panamax.program;

import dev.panamax.sys.internal.Abi;

import java.util.List;

/**
 * The only steps that run in the JVM's address space (the child is a {@code CLONE_VM|CLONE_VFORK} child of
 * the launcher thread): keep the launch's descriptors across one exec, then {@code execveat} the sealed
 * setup executable, which holds the interpreter and the rest of the program. From there on the child has
 * an address space of its own, a few pages, so whatever the kernel does to it (a memory cgroup's OOM
 * kill, a user namespace, outliving the JVM) never touches the JVM. The launcher thread sleeps in clone3
 * until this execveat has happened (vfork), so the parent's next phase meets a child that shares nothing.
 *
 * <p>With a user namespace the child first waits for its maps: an execve by a uid that the namespace does
 * not map yet, or by one that is not its root, would drop every capability the child has in it. So the
 * child becomes root in the namespace first, and the parent clones without vfork,
 * writes the maps, releases the child once, and waits for this execveat (EOF on a close-on-exec pipe)
 * before it joins the cgroup and releases the child again ({@link ParentSync}).
 */
final class SetupExecSteps {
    /** argv[0] of the setup executable: its process name until the final execve. */
    static final String NAME = "panamax-setup";

    private SetupExecSteps() {
    }

    static void emit(Emit e) {
        if (waitsForMaps(e)) {
            e.add(Step.of("close the parent's end of the sync pipe", "close", e.fds().syncWrite()));
            ParentSync.dieWithParent(e);
            e.add(Step.of("wait for the user namespace's maps (EOF: the parent died)", "read",
                    e.fds().syncRead(), new Arg.Buffer(1), new Arg.Word(1)).expecting(1));
            IdentitySteps.enterNamespace(e); // root in the namespace execs with its full capability set
        }
        for (Arg.Word fd : e.fds().keptAcrossSetupExec()) {
            e.add(Step.of("keep " + fd.render().replaceFirst("=.*", "") + " across the setup executable's exec",
                    "fcntl", fd, new Arg.Word(Abi.F_SETFD, "F_SETFD"), new Arg.Word(0)));
        }
        e.add(Step.of("leave the JVM's address space: run the rest in the setup executable", "execveat",
                e.fds().setupExecutable(), new Arg.CString(""), new Arg.CStringArray(List.of(NAME)),
                new Arg.CStringArray(List.of()), new Arg.Word(Abi.AT_EMPTY_PATH, "AT_EMPTY_PATH")));
        e.out().markOwnAddressSpace();
    }

    /** A user namespace's maps must exist before the exec (see above). */
    static boolean waitsForMaps(Emit e) {
        return e.spec().users().present();
    }
}
