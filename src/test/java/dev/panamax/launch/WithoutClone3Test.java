package dev.panamax.launch;

import dev.panamax.BusyboxRootfs;
import dev.panamax.ChildJvm;
import dev.panamax.userns.AsUser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Panamax works where {@code clone3} fails with ENOSYS, as in a Docker container (whose default seccomp
 * profile refuses clone3 so that libc falls back to clone): a child JVM puts such a filter on all its threads
 * with the project's seccomp compiler and launches containers of every kind ({@link Clone3RefusedProbe}).
 */
@Tag("kernel")
class WithoutClone3Test extends dev.panamax.BusyboxTest {

    /** What every launch under the filter checks, in order. */
    private static final List<String> UNDER_THE_FILTER = List.of(
            "a JVM thread starts under the filter (libc falls back to clone)", "a plain container runs",
            "clone is used", "a container with a user namespace runs as its root",
            "a container with an init reports its command's exit", "a container with a cgroup (vfork) has the right pid",
            "a container with a cgroup and an init runs", "a failing step still reports its step and errno",
            "a failing step of a vfork child still reports its step and errno",
            "a time namespace is refused, saying it needs clone3", "failed launches leave no descriptor",
            "the plan names clone");

    @Test
    void containersOfEveryKindRunWithCloneWhenClone3IsRefusedFromTheStart() throws Exception {
        assertEquals(UNDER_THE_FILTER, probe("first"));
    }

    @Test
    void aJvmSwitchesToCloneWhenClone3IsRefusedAfterItsFirstLaunch() throws Exception {
        List<String> expected = new ArrayList<>(List.of("a launch with clone3 before the filter",
                "clone3 is used before the filter"));
        expected.addAll(UNDER_THE_FILTER);
        assertEquals(expected, probe("later"));
    }

    @Test
    void aRootlessJvmLaunchesWithCloneWhenClone3IsRefused() throws Exception {
        try (AsUser user = AsUser.create(); BusyboxRootfs userRoot = BusyboxRootfs.create()) {
            user.own(userRoot.path());
            AsUser.Report r = user.run(Clone3RefusedProbe.class, Map.of(), userRoot.path().toString(), "rootless");
            assertEquals(0, r.jvmExit(), r.raw());
            assertEquals(List.of(), r.lines("wrong"), r.raw());
            assertEquals(List.of("a JVM thread starts under the filter (libc falls back to clone)",
                    "a rootless container runs as root of its user namespace", "clone is used",
                    "a failing step of a rootless container still reports its step and errno"), r.lines("ok"), r.raw());
        }
    }

    /** Runs the probe in {@code mode}; fails on any wrong line; returns the checks that passed. */
    static List<String> probe(String mode) throws Exception {
        return run(ChildJvm.command(Clone3RefusedProbe.class, root.path().toString(), mode), "ok");
    }

    /**
     * Runs {@code command} (a probe's JVM), asserts it ended with 0 and printed no {@code wrong:} line and at
     * least one {@code kind:} line; returns those.
     */
    static List<String> run(List<String> command, String kind) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not end in 120 s");
        } finally {
            p.destroyForcibly();
        }
        List<String> wrong = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        out.lines().forEach(l -> {
            if (l.startsWith("wrong:")) {
                wrong.add(l);
            } else if (l.startsWith(kind + ":")) {
                lines.add(l.substring(kind.length() + 1));
            }
        });
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of(), wrong, out);
        assertTrue(!lines.isEmpty(), out);
        return lines;
    }
}
