package dev.panamax;

import dev.panamax.program.Arg;
import dev.panamax.program.SpecCompiler;
import dev.panamax.program.Step;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Base of the pure tests of specs and plans: {@code rootfs} is an empty directory, enough for {@code build()}
 * and {@link Launcher#plan}, which never look into it, and plans as step data (system call and decoded
 * arguments, in order) rather than rendered text. Such a test launches nothing and needs neither root nor
 * busybox (see {@code ArchitectureTest.pureTestsLaunchNothing}).
 *
 * <pre>{@code
 * class MyPlanTest extends PlanTest {
 *     @Test void umask() { assertTrue(indexOf(steps(spec), "umask", 027) >= 0); }
 * }
 * }</pre>
 */
public abstract class PlanTest {
    /** An empty directory for the specs' rootfs, removed after the class. */
    @TempDir
    protected static Path rootfs;

    /** The child program's steps for {@code spec}, the program {@link Launcher#plan} renders. */
    protected static List<Step> steps(ContainerSpec spec) {
        return SpecCompiler.plan(spec).steps();
    }

    /**
     * The index of the first step that calls {@code syscall} with {@code words} as its first arguments (plain
     * numbers: flags, options, ids), or -1.
     */
    protected static int indexOf(List<Step> steps, String syscall, long... words) {
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.syscall().equals(syscall) && startsWith(s.args(), words)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first step that calls {@code syscall} with the string {@code text} among its arguments. */
    protected static int indexOf(List<Step> steps, String syscall, String text) {
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.syscall().equals(syscall) && s.args().contains(new Arg.CString(text))) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #indexOf}, failing with the plan when no step matches. */
    protected static int first(List<Step> steps, String syscall, long... words) {
        int i = indexOf(steps, syscall, words);
        if (i < 0) {
            throw new AssertionError("no step " + syscall + java.util.Arrays.toString(words) + " in\n" + text(steps));
        }
        return i;
    }

    /** The steps as the plan prints them, for failure messages. */
    protected static String text(List<Step> steps) {
        return steps.stream().map(Step::render).collect(Collectors.joining("\n"));
    }

    /** A plain number argument's value; empty for strings, structs, buffers and saved results. */
    protected static OptionalLong word(Arg arg) {
        return arg instanceof Arg.Word w ? OptionalLong.of(w.value()) : OptionalLong.empty();
    }

    private static boolean startsWith(List<Arg> args, long[] words) {
        if (args.size() < words.length) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            OptionalLong value = word(args.get(i));
            if (value.isEmpty() || value.getAsLong() != words[i]) {
                return false;
            }
        }
        return true;
    }
}
