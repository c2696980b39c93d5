package dev.panamax.program;

import dev.panamax.sys.internal.Flags;

/**
 * First steps (in the setup executable, if the launch uses one): die with the parent, then wait for its go,
 * then become root in the user namespace if there is one. EOF on the sync pipe means the parent died first:
 * the child closes its copy of the write end (or the setup exec did, it is close-on-exec).
 */
final class ParentSync {
    private ParentSync() {
    }

    static void emit(Emit e) {
        if (e.fds().hello() != null) {
            e.add(Step.of("tell the launcher this child runs (its cloner thread sleeps in vfork until the exec)",
                    "write", e.fds().hello(), new Arg.CString("H"), new Arg.Word(1)).expecting(1));
        }
        if (SetupExecSteps.waitsForMaps(e)) { // the first wait came before the setup exec (beforeSetupExec)
            e.add(waitForGo(e, "wait for the parent's go (EOF: the parent died)"));
            e.add(closeSyncRead(e));
            return;
        }
        // without the setup executable the child holds a copy of the write end; its exec closed it otherwise
        firstWait(e, !SetupExecSteps.used(e), "wait for the parent's go (EOF: the parent died)", true);
    }

    /** With a user namespace and the setup executable: the maps must exist before that exec. */
    static void beforeSetupExec(Emit e) {
        firstWait(e, true, "wait for the user namespace's maps (EOF: the parent died)", false);
    }

    /** Close the write end, die with the parent, wait for its go, then become root in the user namespace. */
    private static void firstWait(Emit e, boolean closeWriteEnd, String what, boolean closeReadEnd) {
        if (closeWriteEnd) {
            e.add(Step.of("close the parent's end of the sync pipe", "close", e.fds().syncWrite()));
        }
        dieWithParent(e);
        e.add(waitForGo(e, what));
        if (closeReadEnd) {
            e.add(closeSyncRead(e));
        }
        IdentitySteps.enterNamespace(e); // the maps are written by now
    }

    private static Step waitForGo(Emit e, String what) {
        return Step.of(what, "read", e.fds().syncRead(), new Arg.Buffer(1), new Arg.Word(1)).expecting(1);
    }

    private static Step closeSyncRead(Emit e) {
        return Step.of("close the sync pipe", "close", e.fds().syncRead());
    }

    private static void dieWithParent(Emit e) {
        if (e.spec().process().dieWithParent()) {
            e.add(Step.of("die with the launching JVM", "prctl",
                    Arg.flags(Flags.PR_SET_PDEATHSIG), Arg.flags(Flags.SIGKILL)));
        }
    }
}
