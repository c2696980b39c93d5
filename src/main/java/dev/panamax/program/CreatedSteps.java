package dev.panamax.program;

/**
 * A created container ({@code Launcher.create}): once its mounts, root, standard streams, working directory
 * and signal dispositions are set up, the child closes the error pipe (the creator reads EOF: the container
 * is created) and waits for one byte on the start FIFO, which it holds open for reading and writing, so that
 * it never reads EOF. Whoever writes that byte starts it ({@code Launcher.start}), from any process. It runs
 * in the setup executable ({@link SetupExecSteps}): while it waits it shares no memory with the JVM, which
 * may exit meanwhile. The hardening, identity and exec steps come after the start; a failure there has no
 * error pipe left to report to, so it shows as exit status 127.
 */
final class CreatedSteps {
    private CreatedSteps() {
    }

    /** Whether the launch creates the container without starting it: it has a start FIFO. */
    static boolean created(Emit e) {
        return e.fds().start() != null;
    }

    static void emit(Emit e) {
        if (!created(e)) {
            return;
        }
        e.add(Step.of("close the error pipe: the container is created (its creator reads EOF)", "close",
                e.fds().errorWrite()));
        e.add(Step.of("wait for a starter's byte on the start FIFO", "read", e.fds().start(), new Arg.Buffer(1),
                new Arg.Word(1)).expecting(1));
    }
}
