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

    public static ChildProgram plan(ContainerSpec spec) {
        NativeAccess.require(); // the compiler reads the kernel's numbers from the bindings
        return SpecCompiler.plan(spec);
    }
}
