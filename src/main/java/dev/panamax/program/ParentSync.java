package dev.panamax.program;

import dev.panamax.sys.internal.Abi;

/** First steps: die with the parent, then wait for its go. EOF on the sync pipe means the parent died first. */
final class ParentSync {
    private ParentSync() {
    }

    static void emit(Emit e) {
        e.add(Step.of("close the parent's end of the sync pipe", "close", e.fds().syncWrite()));
        if (e.spec().process().dieWithParent()) {
            e.add(Step.of("die with the launching JVM", "prctl",
                    new Arg.Word(Abi.PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG"), new Arg.Word(Abi.SIGKILL, "SIGKILL")));
        }
        e.add(Step.of("wait for the parent's go (EOF: the parent died)", "read",
                e.fds().syncRead(), new Arg.Buffer(1), new Arg.Word(1)).expecting(1));
        e.add(Step.of("close the sync pipe", "close", e.fds().syncRead()));
    }
}
