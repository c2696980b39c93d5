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
        if (e.spec().process().stderr() instanceof dev.panamax.Stdio.MergeWithStdout) {
            e.add(Step.of("merge stderr into stdout", "dup3", new Arg.Word(1), new Arg.Word(2), new Arg.Word(0)));
        }
        e.add(Step.of("no descriptor but 0, 1, 2 survives execve", "close_range", new Arg.Word(3),
                Arg.allOnes32(), Arg.flags(Flags.CLOSE_RANGE_CLOEXEC)));
        // after close_range: dup3 without O_CLOEXEC makes the only other descriptors that survive execve. The
        // launch numbered every source above every target, and the error and status pipes apart from them.
        for (ChildFds.Kept k : e.fds().kept()) {
            e.add(Step.of("keep a descriptor open as fd " + k.containerFd(), "dup3", k.source(),
                    new Arg.Word(k.containerFd()), new Arg.Word(0)));
        }
    }

    /**
     * Enters the working directory. On an ephemeral root (an image's), missing components are made first, as
     * root and mode 0755, as docker and runc make an image's {@code WorkingDir}: they land in the container's own
     * upper layer (inside the root already, so a symlink cannot lead out of it).
     */
    static void workingDirectory(Emit e) {
        String dir = e.spec().process().workingDirectory();
        if (e.spec().filesystem().ephemeral().isPresent() && e.spec().rootfs().isPresent()) {
            StringBuilder path = new StringBuilder();
            for (String part : dir.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                path.append('/').append(part);
                e.add(Step.of("create the working directory's " + path + " if missing (ephemeral root)", "mkdirat",
                        MountArgs.FDCWD, new Arg.CString(path.toString()), Arg.octal(0755))
                        .tolerating(MountArgs.errno("EEXIST"), MountArgs.errno("EROFS")));
            }
        }
        e.add(Step.of("enter the working directory", "chdir", new Arg.CString(dir)).hinting(Hints.workingDirectory(dir)));
    }

    /** One rt_sigaction(sig, SIG_DFL) step per signal but SIGKILL and SIGSTOP: the same in every program. */
    private static final List<Step> RESET_HANDLERS = resetHandlers();

    private static List<Step> resetHandlers() {
        Arg sigDefault = new Arg.Struct(KernelStructs.kernelSigaction(0), "SIG_DFL");
        Arg sigsetSize = new Arg.Word(KernelStructs.SIZEOF_KERNEL_SIGSET);
        List<Step> out = new ArrayList<>();
        for (int sig = 1; sig <= 8 * KernelStructs.SIZEOF_KERNEL_SIGSET; sig++) {
            if (sig != Abi.SIGKILL && sig != Abi.SIGSTOP) {
                out.add(Step.of("reset every signal handler to SIG_DFL (no JVM handler may run)", "rt_sigaction",
                        new Arg.Word(sig), sigDefault, NULL, sigsetSize));
            }
        }
        return List.copyOf(out);
    }

    static void signals(Emit e) {
        resetHandlers(e);
        if (!e.spec().process().init()) {
            unblockSignals(e); // with an init, only its child does, after the fork (InitSteps)
        }
    }

    /** Every handler back to SIG_DFL; signals stay blocked (an exec's relay waits for them blocked). */
    static void resetHandlers(Emit e) {
        for (Step reset : RESET_HANDLERS) {
            e.add(reset);
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
                    new Arg.CStringArray(p.execArgv()), Arg.CStringArray.environment(envp));
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
