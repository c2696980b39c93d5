package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.sys.internal.Flags;
import dev.panamax.trampoline.Arch;

/**
 * What every group of steps is compiled with: the spec, the launch's descriptors, the host and architecture
 * it launches on (nothing else about the machine is read), and the
 * growing program. A group is a small class with one {@code static void emit(Emit e)}; {@link SpecCompiler}
 * lists them in the order the child runs them.
 */
record Emit(ContainerSpec spec, ChildFds fds, Host host, Arch arch, ChildProgram.Builder out) {

    static final Arg NULL = Arg.flags(Flags.NULL);

    void add(Step step) {
        out.add(step);
    }

    /** Whether the container is rootless in a user namespace of its own (its EPERMs have their own causes). */
    boolean rootlessUserNamespace() {
        return spec.users().present() && !host.root();
    }
}
