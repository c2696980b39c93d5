package dev.panamax.launch;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.program.ChildProgram;
import dev.panamax.program.Host;
import dev.panamax.program.SpecCompiler;
import dev.panamax.sys.internal.NativeAccess;
import dev.panamax.trampoline.Arch;
import dev.panamax.trampoline.Trampoline;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

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
        return Launch.cloneLine(spec, Trampoline.cloneCall()) + program.render();
    }

    /**
     * {@code Launcher.plan(spec, architecture)}'s text: a header naming the architecture, its seccomp audit arch
     * and the number of every call the plan makes there, then {@link #planText}'s lines as a launch on that
     * architecture would run them (clone3 for the clone where this JVM runs elsewhere: nothing there is probed).
     *
     * @param spec         the spec to plan
     * @param architecture {@code x86_64} or {@code amd64}, {@code aarch64} or {@code arm64}
     * @return the plan as strace-like text, after the header
     * @throws IllegalArgumentException for an architecture Panamax does not know
     */
    public static String planText(ContainerSpec spec, String architecture) {
        Arch arch;
        try {
            arch = Arch.of(architecture);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("architecture: " + e.getMessage(), e);
        }
        NativeAccess.require(); // the compiler reads the kernel's numbers from the bindings
        ChildProgram program = SpecCompiler.plan(spec, Host.current(), arch);
        String call = runsOn(arch) ? Trampoline.cloneCall() : "clone3";
        return header(program, arch, call) + Launch.cloneLine(spec, call) + program.render();
    }

    private static boolean runsOn(Arch arch) {
        try {
            return Arch.current() == arch;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@code # aarch64 ...} and the numbers of the clone and every step's call, by name, wrapped. */
    private static String header(ChildProgram program, Arch arch, String cloneCall) {
        SortedSet<String> calls = new TreeSet<>(List.of(cloneCall));
        program.steps().forEach(s -> calls.add(s.syscall()));
        StringBuilder sb = new StringBuilder(String.format("# %s (seccomp audit arch 0x%08x, ELF machine %d);"
                + " its system call numbers:%n#  ", arch.name(), arch.auditArch(), arch.elfMachine()));
        int width = 3;
        for (String call : calls) {
            String entry = " " + call + "=" + arch.syscalls().number(call).orElseThrow(() ->
                    new IllegalStateException("the plan calls " + call + ", which " + arch.name() + " does not have"));
            if (width + entry.length() > 100) {
                sb.append(String.format("%n#  "));
                width = 3;
            }
            sb.append(entry);
            width += entry.length();
        }
        return sb.append(System.lineSeparator()).toString();
    }
}
