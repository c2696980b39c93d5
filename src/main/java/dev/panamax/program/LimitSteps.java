package dev.panamax.program;

import dev.panamax.Hardening;
import dev.panamax.Rlimit;
import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;

import java.nio.charset.StandardCharsets;

import static dev.panamax.program.Emit.NULL;

/**
 * oom_score_adj, umask and resource limits. They come before the capabilities are dropped: lowering
 * oom_score_adj and raising a hard limit need CAP_SYS_RESOURCE. oom_score_adj comes first because it opens
 * a descriptor, which a low RLIMIT_NOFILE would refuse.
 */
final class LimitSteps {
    private LimitSteps() {
    }

    static void emit(Emit e) {
        Hardening h = e.spec().hardening();
        h.oomScoreAdj().ifPresent(adj -> oomScoreAdj(e, adj));
        h.umask().ifPresent(mask -> e.add(Step.of("set the umask", "umask",
                Arg.octal(mask))));
        h.rlimits().forEach((resource, v) -> e.add(Step.of("set " + resource.kernelName(), "prlimit64",
                Arg.Word.noted(0, "self"), Arg.flags(new Flag(resource.kernelName(), resource.number())),
                new Arg.Struct(KernelStructs.rlimit(v.soft(), v.hard()), "rlim_cur=" + Rlimit.Value.render(v.soft())
                        + ", rlim_max=" + Rlimit.Value.render(v.hard())), NULL).hinting(Hints.RLIMIT)));
    }

    /** /proc is the container's by now (mounted before the root was entered): /proc/self is this process. */
    private static void oomScoreAdj(Emit e, int adj) {
        String path = "/proc/self/oom_score_adj";
        String value = Integer.toString(adj);
        e.add(Step.of("open " + path, "openat", MountArgs.FDCWD, new Arg.CString(path),
                Arg.flags(Flags.O_WRONLY, Flags.O_CLOEXEC)).savingAs("oom_fd").hinting(Hints.OOM_SCORE_PROC));
        int length = value.getBytes(StandardCharsets.US_ASCII).length;
        e.add(Step.of("write oom_score_adj", "write", new Arg.Result("oom_fd"), new Arg.CString(value),
                new Arg.Word(length)).expecting(length).hinting(Hints.OOM_SCORE_CAPABILITY));
        e.add(Step.of("close " + path, "close", new Arg.Result("oom_fd")));
    }
}
