package dev.panamax.program;

import dev.panamax.sys.internal.Flags;

import static dev.panamax.program.Emit.NULL;

/**
 * With {@code init(true)}: the last setup step forks. The parent, pid 1 of the container's PID namespace,
 * becomes the init built into the interpreter ({@code X86_64Code} and {@code Aarch64Code}, {@code init:}): it keeps no descriptor
 * but the status pipe, waits for signals with every signal blocked, forwards each to the command, reaps
 * every process that ends, and when the command ends reports its wait status on the status pipe and exits
 * with its code (or 128 + its signal). The child, pid 2, unblocks signals and execs the command. Both run
 * after the seccomp filter, the capability and user changes: the init has no more privilege than the
 * command, so a process of the container gains nothing by taking it over.
 */
final class InitSteps {
    private InitSteps() {
    }

    static void emit(Emit e) {
        if (!e.spec().process().init()) {
            return;
        }
        e.add(Step.of("fork the command; this process stays as the container's init", "clone",
                Arg.flags(Flags.SIGCHLD), NULL, NULL, NULL, NULL).forkingInit());
        ExecSteps.unblockSignals(e);
    }
}
