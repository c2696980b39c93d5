package dev.panamax.launch;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.program.ChildProgram;
import dev.panamax.program.SpecCompiler;
import dev.panamax.sys.internal.NativeAccess;

/** The launch layer's entry points for {@code dev.panamax.Launcher}. */
public final class LaunchService {
    private LaunchService() {
    }

    public static Container launch(ContainerSpec spec) {
        return Launch.start(spec);
    }

    public static dev.panamax.CreatedContainer create(ContainerSpec spec, dev.panamax.CreateOptions options) {
        return CreatedLaunch.create(spec, options);
    }

    public static dev.panamax.ContainerControl control(dev.panamax.StartRecord record) {
        return new ControlledContainer(record);
    }

    public static void start(dev.panamax.StartRecord record) {
        CreatedLaunch.start(record);
    }

    public static dev.panamax.RunResult run(ContainerSpec spec, dev.panamax.RunOptions options)
            throws InterruptedException {
        return RunToCompletion.run(spec, options);
    }

    public static ChildProgram plan(ContainerSpec spec) {
        NativeAccess.require(); // the compiler reads the kernel's numbers from the bindings
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
        ChildProgram program = plan(spec); // first: it checks for native access, which the clone line needs
        return Launch.cloneLine(spec) + program.render();
    }
}
