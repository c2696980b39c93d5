package dev.panamax.program;

import dev.panamax.Hardening;
import dev.panamax.Rlimit;
import dev.panamax.sys.internal.Abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static dev.panamax.program.Emit.NULL;
import static dev.panamax.program.Emit.flags;

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
                new Arg.Word(mask, "0" + Integer.toOctalString(mask)))));
        h.rlimits().forEach((resource, v) -> e.add(Step.of("set " + resource.kernelName(), "prlimit64",
                new Arg.Word(0, "0 (self)"), new Arg.Word(resource.number(), resource.kernelName()),
                new Arg.Struct(rlimit64(v), "rlim_cur=" + Rlimit.Value.render(v.soft())
                        + ", rlim_max=" + Rlimit.Value.render(v.hard())), NULL).hinting(Hints.RLIMIT)));
    }

    /** /proc is the container's by now (mounted before the root was entered): /proc/self is this process. */
    private static void oomScoreAdj(Emit e, int adj) {
        String path = "/proc/self/oom_score_adj";
        String value = Integer.toString(adj);
        e.add(Step.of("open " + path, "openat", new Arg.Word(Abi.AT_FDCWD, "AT_FDCWD"), new Arg.CString(path),
                flags(Abi.O_WRONLY | Abi.O_CLOEXEC, "O_WRONLY|O_CLOEXEC")).savingAs("oom_fd")
                .hinting(Hints.OOM_SCORE_PROC));
        int length = value.getBytes(StandardCharsets.US_ASCII).length;
        e.add(Step.of("write oom_score_adj", "write", new Arg.Result("oom_fd"), new Arg.CString(value),
                new Arg.Word(length)).expecting(length).hinting(Hints.OOM_SCORE_CAPABILITY));
        e.add(Step.of("close " + path, "close", new Arg.Result("oom_fd")));
    }

    /** {@code struct rlimit64 { __u64 rlim_cur, rlim_max; }}; RLIM_INFINITY is all ones. */
    private static byte[] rlimit64(Rlimit.Value v) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(v.soft()).putLong(v.hard()).array();
    }
}
