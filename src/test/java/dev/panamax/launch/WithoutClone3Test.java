package dev.panamax.launch;

import dev.panamax.ChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
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

    @Test
    void containersOfEveryKindRunWithCloneWhenClone3IsRefusedFromTheStart() throws Exception {
        List<String> ok = probe("first");
        assertTrue(ok.contains("clone is used"), String.join("\n", ok));
    }

    @Test
    void aJvmSwitchesToCloneWhenClone3IsRefusedAfterItsFirstLaunch() throws Exception {
        List<String> ok = probe("later");
        assertTrue(ok.contains("clone3 is used before the filter"), String.join("\n", ok));
        assertTrue(ok.contains("clone is used"), String.join("\n", ok));
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
