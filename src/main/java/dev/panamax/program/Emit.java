package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.sys.internal.Libc;

import java.util.List;

/**
 * What every group of steps is compiled with: the spec, the launch's descriptors, and the growing program.
 * A group is a small class with one {@code static void emit(Emit e)}; {@link SpecCompiler} lists them in
 * the order the child runs them.
 *
 * @param everyStep the hints that hold for any step of this program (see {@link Hints#everyStep}), added
 *                  after each step's own
 */
record Emit(ContainerSpec spec, ChildFds fds, ChildProgram.Builder out, OverlaySteps.Layers layers,
            List<Hint> everyStep) {

    Emit(ContainerSpec spec, ChildFds fds, ChildProgram.Builder out, OverlaySteps.Layers layers) {
        this(spec, fds, out, layers, Hints.everyStep(spec, rootless()));
    }

    /** Without an ephemeral root. */
    Emit(ContainerSpec spec, ChildFds fds, ChildProgram.Builder out) {
        this(spec, fds, out, null);
    }

    static final Arg NULL = new Arg.Word(0, "NULL");

    void add(Step step) {
        out.add(step.hinting(everyStep));
    }

    /** Whether the JVM runs without root: EPERM then has causes a root launch never meets. */
    static boolean rootless() {
        return Libc.geteuid() != 0;
    }

    /** Whether the container is rootless in a user namespace of its own (its EPERMs have their own causes). */
    boolean rootlessUserNamespace() {
        return spec.users().present() && rootless();
    }

    static Arg flags(long value, String names) {
        return new Arg.Word(value, names);
    }
}
