package dev.panamax.program;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the child will do, syscall by syscall: the compiled form of a spec, still as Java data.
 * {@link ProgramImage} lays it out in native memory for the interpreter; {@link #render()} prints it.
 *
 * @param steps         every step in order
 * @param setupExecFrom index of the first step that runs in the setup executable (its own address space);
 *                      the steps before it run in the JVM's. 0 for a program run by the trampoline alone
 */
public record ChildProgram(List<Step> steps, int setupExecFrom) {

    /** A program the trampoline runs alone, in the address space it was cloned in (tests). */
    public ChildProgram(List<Step> steps) {
        this(steps, 0);
    }

    public ChildProgram {
        steps = List.copyOf(steps);
        if (setupExecFrom < 0 || setupExecFrom > steps.size()) {
            throw new IllegalArgumentException("setupExecFrom " + setupExecFrom + " is not in 0.." + steps.size());
        }
        Set<String> labels = new HashSet<>();
        for (Step step : steps) {
            for (Arg arg : step.args()) {
                if (arg instanceof Arg.Result r && !labels.contains(r.label())) {
                    throw new IllegalArgumentException("step \"" + step.what() + "\" uses " + r.label()
                            + " before any step saves it");
                }
            }
            if (step.savesAs() != null && !labels.add(step.savesAs())) {
                throw new IllegalArgumentException("label " + step.savesAs() + " is saved twice");
            }
        }
    }

    /**
     * Numbered, strace-like text: one line per step, its purpose beside it. A run of steps that differ only
     * in an argument (resetting 62 signal handlers) is shown as its first and last line.
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        int width = 0;
        for (Step s : steps) {
            width = Math.max(width, s.render().length());
        }
        width = Math.min(width, 72);
        for (int i = 0; i < steps.size(); i++) {
            if (i == setupExecFrom && i > 0) {
                sb.append(String.format("     --- the setup executable: an address space of its own ---%n"));
            }
            int end = i;
            while (end + 1 < steps.size() && end + 1 != setupExecFrom && similar(steps.get(i), steps.get(end + 1))) {
                end++;
            }
            line(sb, width, i);
            if (end - i >= 2) {
                sb.append(String.format("     ... %d more like it%n", end - i - 1));
                line(sb, width, end);
                i = end;
            }
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, int width, int i) {
        Step s = steps.get(i);
        sb.append(String.format("%3d  %-" + width + "s  # %s%n", i, s.render(), s.what()));
        if (s.detail() != null) {
            s.detail().lines().forEach(l -> sb.append("       | ").append(l).append(System.lineSeparator()));
        }
    }

    private static boolean similar(Step a, Step b) {
        return a.what().equals(b.what()) && a.syscall().equals(b.syscall()) && !a.syscall().equals("execve");
    }

    /** A growing list of steps. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();
        private int setupExecFrom;

        public Builder add(Step step) {
            steps.add(step);
            return this;
        }

        /** The steps added from now on run in the setup executable. */
        Builder markOwnAddressSpace() {
            setupExecFrom = steps.size();
            return this;
        }

        public int size() {
            return steps.size();
        }

        public ChildProgram build() {
            return new ChildProgram(steps, setupExecFrom);
        }
    }
}
