package dev.panamax.program;

import dev.panamax.seccomp.CompiledFilter;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.seccomp.SeccompRule;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;
import dev.panamax.trampoline.Arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * no_new_privs and the seccomp filter. The filter applies to the child's own remaining steps, so a profile
 * that does not allow everything by default gets an ALLOW rule for each call the launcher still makes
 * after loading it, unless the profile already has a rule for that call (then the user's rule stands).
 */
final class SeccompSteps {
    private SeccompSteps() {
    }

    /** After the filter: execve, and on failure write (the error record) and exit_group. */
    static final List<String> AFTER_LAST = List.of("execve", "write", "exit_group");

    /** When the filter is loaded before the capabilities are set (no no_new_privs): capset and prctl too. */
    static final List<String> AFTER_EARLY = List.of("capset", "prctl", "execve", "write", "exit_group");

    static void noNewPrivs(Emit e) {
        e.add(Step.of("set no_new_privs (execve grants no privileges; seccomp needs no CAP_SYS_ADMIN)", "prctl",
                Arg.flags(Flags.PR_SET_NO_NEW_PRIVS), new Arg.Word(1), new Arg.Word(0),
                new Arg.Word(0), new Arg.Word(0)));
    }

    /** With an init, the fork, the child's unblocking of signals, and the init's own loop too. */
    static final List<String> INIT = List.of("clone", "rt_sigprocmask", "close_range", "rt_sigtimedwait", "kill",
            "wait4");

    static void load(Emit e, SeccompProfile profile, List<String> afterFilter) {
        boolean init = e.spec().process().init();
        Loaded last = lastLoaded;
        if (last == null || last.profile != profile || last.init != init || last.afterFilter != afterFilter
                || last.arch != e.arch()) {
            last = lastLoaded = new Loaded(profile, init, afterFilter, e.arch(),
                    loadStep(profile, init, afterFilter, e.arch()));
        }
        e.add(last.step);
    }

    /**
     * The step for the profile loaded last (by identity: a spec launched again and again keeps its profile),
     * so that a launch does not compile and render the same filter again.
     */
    private record Loaded(SeccompProfile profile, boolean init, List<String> afterFilter, Arch arch, Step step) {
    }

    private static volatile Loaded lastLoaded;

    private static Step loadStep(SeccompProfile profile, boolean init, List<String> afterFilter, Arch arch) {
        List<String> launcherCalls = new ArrayList<>(afterFilter);
        if (init) {
            launcherCalls.addAll(INIT);
        }
        List<String> added = new ArrayList<>();
        CompiledFilter filter = withLauncherCalls(profile, launcherCalls, added).compile(arch.name());
        Arg program = new Arg.StructWithPointers(KernelStructs.sockFprog(filter.length()),
                Map.of((int) KernelStructs.OFFSETOF_SOCK_FPROG_FILTER,
                        new Arg.Struct(filter.bytes(), filter.length() + " instructions")),
                "len=" + filter.length() + ", filter=<rules below>");
        String note = added.isEmpty() ? "" : "(allowed for the launcher itself: " + String.join(", ", added) + ")\n";
        return Step.of("load the seccomp filter", "seccomp",
                Arg.flags(Flags.SECCOMP_SET_MODE_FILTER), new Arg.Word(0), program)
                .detailed(note + filter.render()).hinting(Hints.SECCOMP);
    }

    /** {@code profile} plus ALLOW for each launcher call it has no rule for; names the added calls in {@code added}. */
    static SeccompProfile withLauncherCalls(SeccompProfile profile, List<String> calls, List<String> added) {
        if (profile.defaultAction().equals(SeccompAction.ALLOW)) {
            return profile;
        }
        SeccompProfile.Builder b = profile.toBuilder();
        for (String call : calls) {
            if (profile.rules().stream().map(SeccompRule::syscall).noneMatch(call::equals)) {
                b.allow(call);
                added.add(call);
            }
        }
        return added.isEmpty() ? profile : b.build();
    }
}
