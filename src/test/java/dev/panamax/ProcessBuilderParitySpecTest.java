package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.program.Arg;
import dev.panamax.program.Step;
import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ProcessBuilder-like settings and the run options, as specs and plans (no launch). */
class ProcessBuilderParitySpecTest extends PlanTest {

    private static ContainerSpec.Builder spec() {
        return ContainerSpec.builder().rootfs(rootfs).command("sh", "-c", "true");
    }

    private static void refused(String field, String text, Executable build) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, build);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void everyProcessBuilderRedirectHasItsStdio() {
        File f = new File("/tmp/some-file");
        assertEquals(Stdio.pipe(), Stdio.from(Redirect.PIPE));
        assertEquals(Stdio.inherit(), Stdio.from(Redirect.INHERIT));
        assertEquals(Stdio.discard(), Stdio.from(Redirect.DISCARD));
        assertEquals(Stdio.file(f.toPath()), Stdio.from(Redirect.from(f)));
        assertEquals(Stdio.file(f.toPath()), Stdio.from(Redirect.to(f)));
        assertEquals(Stdio.append(f.toPath()), Stdio.from(Redirect.appendTo(f)));
    }

    @Test
    void aRedirectOfTheWrongDirectionIsRefusedBeforeItCanTruncate() {
        File f = new File("/tmp/some-file");
        refused("stdout", "reads", () -> spec().stdout(Redirect.from(f)));
        refused("stderr", "reads", () -> spec().stderr(Redirect.from(f)));
        refused("stdin", "writes", () -> spec().stdin(Redirect.to(f)));
        refused("stdin", "writes", () -> spec().stdin(Redirect.DISCARD));
        assertEquals(Stdio.file(f.toPath()), spec().stdin(Redirect.from(f)).build().process().stdin());
    }

    @Test
    void onlyStderrMergesWithStdoutAndThePlanDupsOneOntoTwo() {
        refused("stdin", "only stderr", () -> spec().stdin(Stdio.mergeWithStdout()).build());
        refused("stdout", "only stderr", () -> spec().stdout(Stdio.mergeWithStdout()).build());
        String plan = Launcher.plan(spec().stdout(Stdio.pipe()).stderr(Stdio.mergeWithStdout()).build());
        int stdout = plan.indexOf("dup3(stdout_fd, 1, 0)");
        int merge = plan.indexOf("dup3(1, 2, 0)");
        assertTrue(stdout >= 0 && merge > stdout, "stdout connected, then stderr made its copy: " + plan);
    }

    @Test
    void keptDescriptorsAreCheckedAndDupedAfterEveryOtherIsMarkedCloseOnExec() {
        refused("keepFd", "0, 1 and 2", () -> spec().keepFd(4, 2));
        refused("keepFd", "not in 3..1023", () -> spec().keepFd(4, 1024));
        refused("keepFd", "negative", () -> spec().keepFd(-1, 3));
        refused("keepFd", "kept twice", () -> spec().keepFd(4, 3).keepFd(5, 3).build());
        ContainerSpec s = spec().keepFd(9, 5).build();
        assertEquals(List.of(new ProcessSpec.KeptFd(9, 5)), s.process().keptFds());
        assertEquals(s, s.toBuilder().build(), "a derived spec keeps them");
        List<Step> steps = steps(s);
        int closeRange = indexOf(steps, "close_range", 3);
        int keep = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).syscall().equals("dup3") && steps.get(i).args().get(1).equals(new Arg.Word(5))) {
                keep = i;
            }
        }
        assertTrue(closeRange >= 0 && keep > closeRange, "dup3(keep_5, 5, 0) after close_range: " + Launcher.plan(s));
        assertTrue(Launcher.plan(s).contains("dup3(keep_5, 5, 0)"), Launcher.plan(s));
    }

    @Test
    void argv0ReplacesTheNameTheProgramSeesNotTheFileExecuted() {
        ContainerSpec s = ContainerSpec.builder().rootfs(rootfs).command("/bin/busybox", "hello").argv0("echo").build();
        assertEquals(Optional.of("echo"), s.process().argv0());
        assertEquals(List.of("echo", "hello"), s.process().execArgv());
        assertTrue(Launcher.plan(s).contains("execve(\"/bin/busybox\", [\"echo\", \"hello\"]"), Launcher.plan(s));
        assertEquals(s, s.toBuilder().build());
        refused("command[0]", "empty", () -> spec().argv0("").build());
    }

    @Test
    void unsetEnvWinsOverInheritanceAndTheDefaultPathUntilSetAgain() {
        String inherited = System.getenv().keySet().iterator().next();
        Map<String, String> env = spec().unsetEnv(inherited).inheritEnvironment().unsetEnv("PATH").build()
                .process().environment();
        assertFalse(env.containsKey(inherited));
        assertFalse(env.containsKey("PATH"));
        assertEquals("1", spec().unsetEnv("A").env("A", "1").build().process().environment().get("A"));
        assertFalse(spec().env("A", "1").unsetEnv("A").build().process().environment().containsKey("A"));
    }

    @Test
    void runOptionsCheckTheirValuesAtOnce() {
        refused("timeout", "positive", () -> RunOptions.builder().timeout(Duration.ZERO));
        refused("stdoutLimit", "at most 1 GiB", () -> RunOptions.builder().stdoutLimit(DataSize.ofGigabytes(2)));
        RunOptions o = RunOptions.builder().stdin(new byte[] {1}).stdin(Path.of("/in")).build();
        assertEquals(Optional.of(Path.of("/in")), o.stdinFile());
        assertEquals(Optional.empty(), o.stdinBytes(), "the last stdin wins");
        RunOptions d = RunOptions.defaults();
        assertEquals(Optional.empty(), d.timeout());
        assertEquals(RunOptions.DEFAULT_OUTPUT_LIMIT, d.stdoutLimit());
        assertFalse(d.endOnOutputLimit());
    }
}
