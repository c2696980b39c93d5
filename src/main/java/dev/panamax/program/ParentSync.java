package dev.panamax.program;

import dev.panamax.sys.internal.Abi;

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
        boolean setupExec = SetupExecSteps.used(e.spec());
        if (!setupExec) {
            e.add(Step.of("close the parent's end of the sync pipe", "close", e.fds().syncWrite()));
        }
        if (!SetupExecSteps.waitsForMaps(e)) {
            dieWithParent(e); // else done before the setup exec, which keeps it
        }
        e.add(Step.of("wait for the parent's go (EOF: the parent died)", "read",
                e.fds().syncRead(), new Arg.Buffer(1), new Arg.Word(1)).expecting(1));
        e.add(Step.of("close the sync pipe", "close", e.fds().syncRead()));
        if (!SetupExecSteps.waitsForMaps(e)) {
            IdentitySteps.enterNamespace(e); // the maps are written by now
        }
    }

    static void dieWithParent(Emit e) {
        if (e.spec().process().dieWithParent()) {
            e.add(Step.of("die with the launching JVM", "prctl",
                    new Arg.Word(Abi.PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG"), new Arg.Word(Abi.SIGKILL, "SIGKILL")));
        }
    }
}
