package dev.panamax.launch;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.program.ChildProgram;
import dev.panamax.program.SpecCompiler;

/** The launch layer's entry points for {@code dev.panamax.Launcher}. */
public final class LaunchService {
    private LaunchService() {
    }

    public static Container launch(ContainerSpec spec) {
        return Launch.start(spec);
    }

    public static ChildProgram plan(ContainerSpec spec) {
        return SpecCompiler.plan(spec);
    }

    /**
     * {@code Launcher.plan}'s text: the launcher's clone (clone3, or clone where clone3 is refused), then the
     * child's steps.
     *
     * @param spec the spec to plan
     * @return the plan as strace-like text, one call per line
     */
    public static String planText(ContainerSpec spec) {
        return Launch.cloneLine(spec) + plan(spec).render();
    }
}
