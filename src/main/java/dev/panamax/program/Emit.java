package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.sys.internal.Flags;
import dev.panamax.trampoline.Arch;

import java.util.List;

/**
 * What every group of steps is compiled with: the spec, the launch's descriptors, the host and architecture
 * it launches on (nothing else about the machine is read), the ephemeral root's layers (or null), and the
 * growing program. A group is a small class with one {@code static void emit(Emit e)}; {@link SpecCompiler}
 * lists them in the order the child runs them.
 *
 * @param everyStep the hints that hold for any step of this program ({@link Hints#everyStep}), added after
 *                  each step's own
 */
record Emit(ContainerSpec spec, ChildFds fds, Host host, Arch arch, OverlaySteps.Layers layers,
            ChildProgram.Builder out, List<Hint> everyStep) {

    Emit(ContainerSpec spec, ChildFds fds, Host host, Arch arch, OverlaySteps.Layers layers,
         ChildProgram.Builder out) {
        this(spec, fds, host, arch, layers, out, Hints.everyStep(spec, host));
    }

    static final Arg NULL = Arg.flags(Flags.NULL);

    void add(Step step) {
        out.add(step.hinting(everyStep));
    }

    /** Whether the container is rootless in a user namespace of its own (its EPERMs have their own causes). */
    boolean rootlessUserNamespace() {
        return spec.users().present() && !host.root();
    }
}
