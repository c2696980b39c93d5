package dev.panamax.program;

import dev.panamax.ProcessSpec;
import dev.panamax.sys.Errno;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;

import java.util.ArrayList;
import java.util.List;

import static dev.panamax.program.Emit.NULL;

/**
 * The last steps: standard streams, no other descriptor across execve, the working directory, default
 * signal handling, then execve (each PATH candidate in turn, like execvp).
 */
final class ExecSteps {
    private ExecSteps() {
    }

    static void stdio(Emit e) {
        Arg.Word[] streams = {e.fds().stdin(), e.fds().stdout(), e.fds().stderr()};
        String[] names = {"stdin", "stdout", "stderr"};
        for (int n = 0; n < 3; n++) {
            if (streams[n] != null) {
                e.add(Step.of("connect " + names[n], "dup3", streams[n], new Arg.Word(n), new Arg.Word(0)));
            }
        }
        e.add(Step.of("no descriptor but 0, 1, 2 survives execve", "close_range", new Arg.Word(3),
                Arg.allOnes32(), Arg.flags(Flags.CLOSE_RANGE_CLOEXEC)));
    }

    static void workingDirectory(Emit e) {
        String dir = e.spec().process().workingDirectory();
        e.add(Step.of("enter the working directory", "chdir", new Arg.CString(dir)).hinting(Hints.workingDirectory(dir)));
    }

    /**
     * rt_sigaction(sig, SIG_DFL) for each signal but SIGKILL and SIGSTOP, at index {@code sig - 1} (null for
     * those two): the same in every program.
     */
    private static final Step[] RESET_HANDLER = resetHandlers();

    private static Step[] resetHandlers() {
        Arg sigDefault = new Arg.Struct(KernelStructs.kernelSigaction(0), "SIG_DFL");
        Arg sigsetSize = new Arg.Word(KernelStructs.SIZEOF_KERNEL_SIGSET);
        Step[] out = new Step[(int) (8 * KernelStructs.SIZEOF_KERNEL_SIGSET)];
        for (int sig = 1; sig <= out.length; sig++) {
            if (sig != Abi.SIGKILL && sig != Abi.SIGSTOP) {
                out[sig - 1] = Step.of("reset signal " + sig + " to SIG_DFL (the JVM ignores it)", "rt_sigaction",
                        new Arg.Word(sig), sigDefault, NULL, sigsetSize);
            }
        }
        return out;
    }

    /**
     * Default handling of every signal. The clone ({@code CLONE_CLEAR_SIGHAND}) has reset every handler the
     * JVM installed, so no JVM handler can run in the child; it keeps {@code SIG_IGN}, which execve keeps too,
     * so each signal the JVM ignores ({@link Host#ignoredSignals}) is reset here.
     */
    static void signals(Emit e) {
        long ignored = e.host().ignoredSignals();
        for (int sig = 1; sig <= RESET_HANDLER.length; sig++) {
            if ((ignored & (1L << (sig - 1))) != 0 && RESET_HANDLER[sig - 1] != null) {
                e.add(RESET_HANDLER[sig - 1]);
            }
        }
        if (!e.spec().process().init()) {
            unblockSignals(e); // with an init, only its child does, after the fork (InitSteps)
        }
    }

    static void unblockSignals(Emit e) {
        // Not the launching thread's mask: the JVM blocks SIGQUIT in its threads, and a container's process
        // must start as any process does, with nothing blocked (Ctrl-\ must reach a shell inside).
        e.add(UNBLOCK_SIGNALS);
    }

    private static final Step UNBLOCK_SIGNALS = Step.of("unblock every signal (blocked since clone)",
            "rt_sigprocmask", Arg.flags(Flags.SIG_SETMASK),
            new Arg.Struct(KernelStructs.emptyKernelSigset(), "empty set"), NULL,
            new Arg.Word(KernelStructs.SIZEOF_KERNEL_SIGSET));

    static void execve(Emit e) {
        ProcessSpec p = e.spec().process();
        List<String> envp = new ArrayList<>();
        p.environment().forEach((k, v) -> envp.add(k + "=" + v));
        List<String> candidates = candidates(p);
        for (int i = 0; i < candidates.size(); i++) {
            Step step = Step.of("execute " + p.argv().getFirst(), "execve", new Arg.CString(candidates.get(i)),
                    new Arg.CStringArray(p.argv()), Arg.CStringArray.environment(envp));
            boolean last = i == candidates.size() - 1;
            step = step.hinting(Hints.execve(e.spec(), candidates, last));
            e.add(last ? step : step.tolerating(Errno.number("ENOENT"), Errno.number("EACCES"), Errno.number("ENOTDIR")));
        }
    }

    /** argv[0] with a slash is used as is; otherwise each PATH entry is tried in order, like execvp. */
    static List<String> candidates(ProcessSpec p) {
        String name = p.argv().getFirst();
        if (name.contains("/")) {
            return List.of(name);
        }
        List<String> out = new ArrayList<>();
        for (String dir : p.path().split(":")) {
            if (dir.startsWith("/")) {
                out.add(dir.endsWith("/") ? dir + name : dir + "/" + name);
            }
        }
        return out.isEmpty() ? List.of("/" + name) : out;
    }
}
