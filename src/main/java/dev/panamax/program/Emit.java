package dev.panamax.program;

import dev.panamax.ContainerSpec;

/**
 * What every group of steps is compiled with: the spec, the launch's descriptors, and the growing program.
 * A group is a small class with one {@code static void emit(Emit e)}; {@link SpecCompiler} lists them in
 * the order the child runs them.
 */
record Emit(ContainerSpec spec, ChildFds fds, ChildProgram.Builder out, OverlaySteps.Layers layers) {

    /** Without an ephemeral root. */
    Emit(ContainerSpec spec, ChildFds fds, ChildProgram.Builder out) {
        this(spec, fds, out, null);
    }

    static final Arg NULL = new Arg.Word(0, "NULL");

    void add(Step step) {
        out.add(step);
    }

    static Arg flags(long value, String names) {
        return new Arg.Word(value, names);
    }
}
