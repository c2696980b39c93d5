package dev.panamax.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.Stdio;
import dev.panamax.cgroup.Resources;
import dev.panamax.sys.Namespace;
import dev.panamax.trampoline.Arch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A launch of a spec launched before fills its descriptors into the spec's {@link ProgramTemplate}: the
 * result must be, byte for byte, the image that compiling and encoding the spec with those descriptors gives,
 * and a changed masked-path answer must compile the spec again.
 */
class ProgramTemplateTest {
    private static final Path ROOTFS = Path.of(System.getProperty("java.io.tmpdir"));
    /** The kind every rootfs path has for the synthetic host; a test may change it. */
    private final AtomicReference<Host.PathKind> rootfsKind = new AtomicReference<>(Host.PathKind.MISSING);
    private final Host host = new Host(0, 0, Capability.LAST.number(), new Host.KernelPaths() {
        @Override
        public Host.PathKind kind(String path) {
            return path.equals("/proc/acpi") ? Host.PathKind.DIRECTORY : Host.PathKind.FILE;
        }

        @Override
        public Host.PathKind inRootfs(Path rootfs, String path) {
            return rootfsKind.get();
        }
    });

    private static ContainerSpec.Builder base() {
        return ContainerSpec.builder().rootfs(ROOTFS).command("/bin/true");
    }

    /** The real descriptors of a launch of {@code spec}: those it uses, numbered from 11 on. */
    private static ChildFds fds(ContainerSpec spec) {
        boolean init = spec.process().init();
        boolean vfork = SpecCompiler.usesVfork(spec);
        boolean exe = SpecCompiler.usesSetupExecutable(spec);
        List<ChildFds.Kept> kept = new java.util.ArrayList<>();
        for (var k : spec.process().keptFds()) {
            kept.add(new ChildFds.Kept(ChildFds.fd(30 + kept.size(), "keep_" + k.containerFd()), k.containerFd()));
        }
        return new ChildFds(vfork ? ChildFds.fd(11, "hello_w") : null, ChildFds.fd(12, "sync_r"),
                ChildFds.fd(13, "sync_w"), ChildFds.fd(14, "err_w"), exe ? ChildFds.fd(15, "setup_exe") : null,
                init ? ChildFds.fd(16, "status_w") : null,
                spec.process().stdin() instanceof Stdio.Inherit ? null : ChildFds.fd(17, "stdin_fd"),
                spec.process().stdout() instanceof Stdio.Inherit ? null : ChildFds.fd(18, "stdout_fd"),
                spec.process().stderr() instanceof Stdio.Inherit ? null : ChildFds.fd(19, "stderr_fd"), kept)
                .withJoins(java.util.stream.IntStream.range(0, spec.joins().size()).mapToObj(i -> ChildFds.fd(40 + i,
                        ChildFds.joinName(spec.joins().get(i), i))).toList())
                .withLayersDir(OverlaySteps.usesLayersDir(spec) ? ChildFds.fd(50, "layers_dir") : null);
    }

    /** An image of three layers (all the same directory: nothing is read from them). */
    private static dev.panamax.ContainerImage image() {
        return PlanSpecs.image(ROOTFS);
    }

    private static byte[] bytes(ProgramImage image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(image.size());
            image.writeAt(at, 0x7000_0000L);
            return at.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void aTemplateFilledWithALaunchsDescriptorsIsTheImageCompiledForThem() {
        List<ContainerSpec> specs = PlanSpecs.varied(ROOTFS);
        for (ContainerSpec spec : specs) {
            ChildFds fds = fds(spec);
            int status = spec.process().init() ? 16 : -1;
            ChildProgram program = SpecCompiler.compile(spec, fds, host, Arch.X86_64);
            boolean exe = SpecCompiler.usesSetupExecutable(spec);
            int split = exe ? program.setupExecFrom() : program.steps().size();
            var table = Arch.X86_64.syscalls();
            ProgramTemplate.Images images = ProgramTemplate.of(spec, fds, host, Arch.X86_64).images(fds, 14, status);
            assertEquals(java.util.Arrays.toString(bytes(ProgramImage.encode(program, 0, split, 14, status, table, i -> false))),
                    java.util.Arrays.toString(bytes(images.first())), spec.toString());
            if (exe) {
                assertEquals(java.util.Arrays.toString(bytes(ProgramImage.encode(program, split, program.steps().size(), 14,
                        status, table, i -> false))), java.util.Arrays.toString(bytes(images.setup())));
            } else {
                assertNull(images.setup());
            }
            // a failure report names the same step either way, only the descriptors' numbers are left out
            List<Step> symbolic = ProgramTemplate.of(spec, fds, host, Arch.X86_64).program().steps();
            assertEquals(program.steps().stream().map(Step::what).toList(), symbolic.stream().map(Step::what).toList());
        }
    }

    @Test
    void aSpecLaunchedAgainUsesItsTemplateUntilAMaskedPathChanges() {
        ContainerSpec spec = base().maskedPaths(List.of("/srv/secret")).readOnlyPaths(List.of()).build();
        ChildFds fds = fds(spec);
        ProgramTemplate first = ProgramTemplate.of(spec, fds, host, Arch.X86_64);
        assertSame(first, ProgramTemplate.of(spec, fds, host, Arch.X86_64));
        assertSame(first, ProgramTemplate.of(base().maskedPaths(List.of("/srv/secret")).readOnlyPaths(List.of()).build(),
                fds, host, Arch.X86_64), "an equal spec shares the template");

        rootfsKind.set(Host.PathKind.DIRECTORY); // /srv/secret appeared in the rootfs: it must be masked now
        ProgramTemplate again = ProgramTemplate.of(spec, fds, host, Arch.X86_64);
        assertNotSame(first, again);
        assertNotEquals(first.program().render(), again.program().render());
        assertTrue(again.program().steps().stream().anyMatch(s -> s.what().equals(
                "mask /srv/secret (a directory) with the empty tmpfs")), again.program().render());
        assertSame(again, ProgramTemplate.of(spec, fds, host, Arch.X86_64));
    }

    @Test
    void anImageRootsSecondLaunchUsesItsTemplateWithTheLaunchsOwnLayersDirectory() {
        ContainerSpec spec = ContainerSpec.builder().image(image()).build();
        ProgramTemplate first = ProgramTemplate.of(spec, fds(spec), host, Arch.X86_64);
        ChildFds next = fds(spec).withLayersDir(ChildFds.fd(51, "layers_dir"));
        assertSame(first, ProgramTemplate.of(spec, next, host, Arch.X86_64), "the second launch is not compiled");
        String text = first.program().render();
        assertTrue(text.contains("fchdir(layers_dir)") && text.contains("\"upperdir\", \"upper\"")
                && text.contains("\"workdir\", \"work\""), text);
        assertNotEquals(java.util.Arrays.toString(bytes(first.images(fds(spec), 14, -1).first())),
                java.util.Arrays.toString(bytes(first.images(next, 14, -1).first())),
                "each launch's image holds its own layers' descriptor");
        ContainerSpec kept = ContainerSpec.builder().image(image()).keepUpperDir(ROOTFS.resolve("pmx-kept")).build();
        String keptText = ProgramTemplate.of(kept, fds(kept), host, Arch.X86_64).program().render();
        assertTrue(!keptText.contains("fchdir") && keptText.contains(ROOTFS.resolve("pmx-kept/upper").toString()),
                keptText);
    }

    @Test
    void anEphemeralRootWithoutItsLayersDirectoryIsRefused() {
        ContainerSpec spec = ContainerSpec.builder().image(image()).build();
        assertThrows(IllegalArgumentException.class,
                () -> SpecCompiler.compile(spec, fds(spec).withLayersDir(null), host, Arch.X86_64));
    }

    @Test
    void descriptorsOfAnotherShapeAreRefused() {
        ContainerSpec spec = base().build();
        ProgramTemplate template = ProgramTemplate.of(spec, fds(spec), host, Arch.X86_64);
        ChildFds piped = fds(base().stdout(Stdio.pipe()).build());
        assertThrows(IllegalArgumentException.class, () -> template.images(piped, 14, -1));
    }
}
