package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.program.Hint;
import dev.panamax.program.SpecCompiler;
import dev.panamax.program.Step;
import dev.panamax.sys.Errno;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Failure injection for hints: for each (cause, errno) a spec's steps declare, the first step that declares
 * it is made to fail with that errno on the real launch path ({@link Launch#start(ContainerSpec,
 * java.util.function.IntPredicate, int)}), and the launch's message must end with that hint. Used by
 * {@link HintReachabilityTest} as root and by {@link HintProbe} in a JVM without root. Uses no JUnit.
 */
final class HintInjection {
    private HintInjection() {
    }

    /** What one spec reached: {@code CAUSE:ERRNO} pairs, and what went wrong (empty when all is well). */
    record Outcome(Set<String> reached, List<String> wrong) {
    }

    static Outcome run(ContainerSpec spec) {
        List<Step> steps = SpecCompiler.plan(spec).steps();
        List<Hint> everyStep = SpecCompiler.hintsForEveryStep(spec);
        Set<String> reached = new LinkedHashSet<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            List<Hint> declaredHere = new ArrayList<>(step.hints());
            declaredHere.addAll(everyStep);
            for (Hint declared : declaredHere) {
                for (String errnoName : declared.cause().errnos()) {
                    int errno = Errno.number(errnoName);
                    Optional<Hint> shown = SpecCompiler.hintFor(spec, step.hints(), errno);
                    String pair = shown.orElseThrow().cause() + ":" + errnoName;
                    if (reached.contains(pair)) {
                        continue;
                    }
                    int faulty = i;
                    String expected = ". Hint: " + shown.get().text();
                    try (var c = Launch.start(spec, s -> s == faulty, errno)) {
                        wrong.add("step " + i + " (" + step.what() + ") with " + errnoName + " did not fail the launch");
                    } catch (LaunchException e) {
                        if (e.getMessage().endsWith(expected) && e.errnoName().equals(errnoName)) {
                            reached.add(pair);
                        } else {
                            wrong.add("step " + i + " (" + step.what() + ") with " + errnoName + ": expected the"
                                    + " hint " + shown.get().cause() + ", got: " + e.getMessage());
                        }
                    }
                }
            }
        }
        return new Outcome(reached, wrong);
    }
}
