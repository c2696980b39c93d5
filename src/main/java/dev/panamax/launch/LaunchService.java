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

    public static dev.panamax.RunResult run(ContainerSpec spec, dev.panamax.RunOptions options)
            throws InterruptedException {
        return RunToCompletion.run(spec, options);
    }

    public static ChildProgram plan(ContainerSpec spec) {
        return SpecCompiler.plan(spec);
    }
}
