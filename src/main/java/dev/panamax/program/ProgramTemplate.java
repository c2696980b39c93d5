package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.sys.internal.SyscallTable;
import dev.panamax.trampoline.Arch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A spec's child program compiled and encoded once, with its descriptors left as slots: a launch of a spec
 * the JVM has launched before fills in its own descriptor numbers ({@link #images}) instead of compiling
 * and encoding the program again, which was most of the JVM's own work per launch.
 *
 * <p>A program depends on the spec, the {@link Host}, the {@link Arch} and the descriptors only, except for
 * the masked paths' predicted types ({@link Host.KernelPaths}), which can change between launches (a
 * rootfs edited, a module loaded). So a template keeps each answer its compile got, and serves a launch only
 * while a fresh look gives the same answers; otherwise the spec is compiled again. Templates are kept for
 * at most {@link Memo#LIMIT} specs (compared with {@code equals}, with the host and architecture); beyond
 * that a spec is compiled per launch as before.
 *
 * <pre>{@code
 * ProgramTemplate t = ProgramTemplate.of(spec, fds);              // compiled at the first launch of spec
 * ProgramTemplate.Images images = t.images(fds, errFd, statusFd); // this launch's descriptors filled in
 * }</pre>
 */
public final class ProgramTemplate {
    private static final Map<Key, ProgramTemplate> TEMPLATES = new ConcurrentHashMap<>();

    private record Key(ContainerSpec spec, int shape, Host host, Arch arch) {
    }

    /** One kernel-path answer a compile got: {@code rootfs} null for a {@code /proc} or {@code /sys} path. */
    private record Look(Path rootfs, String path, Host.PathKind kind) {
        boolean holds(Host.KernelPaths now) {
            return (rootfs == null ? now.kind(path) : now.inRootfs(rootfs, path)) == kind;
        }
    }

    private final ChildProgram program;
    private final List<Look> looks;
    private final ProgramImage first;
    /** The steps after the setup executable's exec, or null when the program has none. */
    private final ProgramImage setup;
    private final int shape;

    private ProgramTemplate(ChildProgram program, int shape, List<Look> looks, ProgramImage first,
                            ProgramImage setup) {
        this.program = program;
        this.shape = shape;
        this.looks = looks;
        this.first = first;
        this.setup = setup;
    }

    /**
     * The template for launches of {@code spec} with descriptors like {@code fds} (the same ones present),
     * on this host and architecture: the kept one if its masked paths' answers still hold, else compiled now.
     */
    public static ProgramTemplate of(ContainerSpec spec, ChildFds fds) {
        return of(spec, fds, Host.current(), Arch.current());
    }

    static ProgramTemplate of(ContainerSpec spec, ChildFds fds, Host host, Arch arch) {
        if (fds.start() != null) {
            throw new IllegalArgumentException("a created container's program is compiled for its launch, not kept");
        }
        Key key = new Key(spec, fds.shape(), host, arch);
        ProgramTemplate kept = TEMPLATES.get(key);
        if (kept != null && kept.looks.stream().allMatch(l -> l.holds(host.kernelPaths()))) {
            return kept;
        }
        ProgramTemplate made = compile(spec, fds.symbolic(), host, arch);
        if (kept != null || TEMPLATES.size() < Memo.LIMIT) {
            TEMPLATES.put(key, made);
        }
        return made;
    }

    private static ProgramTemplate compile(ContainerSpec spec, ChildFds symbolic, Host host, Arch arch) {
        List<Look> looks = new ArrayList<>();
        Host.KernelPaths real = host.kernelPaths();
        Host.KernelPaths recorded = new Host.KernelPaths() {
            @Override
            public Host.PathKind kind(String path) {
                Host.PathKind kind = real.kind(path);
                looks.add(new Look(null, path, kind));
                return kind;
            }

            @Override
            public Host.PathKind inRootfs(Path rootfs, String path) {
                Host.PathKind kind = real.inRootfs(rootfs, path);
                looks.add(new Look(rootfs, path, kind));
                return kind;
            }
        };
        Host recording = new Host(host.euid(), host.egid(), host.capLastCap(), recorded, host.kernel());
        ChildProgram program = SpecCompiler.compile(spec, symbolic, recording, arch);
        SyscallTable table = arch.syscalls();
        List<Arg.Word> slots = symbolic.all();
        int split = SpecCompiler.usesSetupExecutable(spec) ? program.setupExecFrom() : program.steps().size();
        ProgramImage first = ProgramImage.encode(program, 0, split, -1, -1, table, i -> false, slots);
        ProgramImage setup = split == program.steps().size() ? null
                : ProgramImage.encode(program, split, program.steps().size(), -1, -1, table, i -> false, slots);
        return new ProgramTemplate(program, symbolic.shape(), List.copyOf(looks), first, setup);
    }

    /**
     * The program, its descriptors symbolic ({@code sync_r}): what a failure report names a failed step by
     * (a step's text never depends on a descriptor's number).
     */
    public ChildProgram program() {
        return program;
    }

    /** A launch's images: the steps run in the JVM's address space, and those of the setup executable (or null). */
    public record Images(ProgramImage first, ProgramImage setup) {
    }

    /**
     * The images with the real descriptors of {@code fds} (present where the template's are) and the error
     * and status pipes' write ends ({@code statusFd} -1 without an init).
     */
    public Images images(ChildFds fds, int errorFd, int statusFd) {
        if (fds.shape() != shape) {
            throw new IllegalArgumentException("descriptors of another shape than the template's");
        }
        List<Arg.Word> all = fds.all();
        long[] values = new long[all.size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = all.get(k) == null ? -1 : all.get(k).value();
        }
        return new Images(first.withDescriptors(values, errorFd, statusFd),
                setup == null ? null : setup.withDescriptors(values, errorFd, statusFd));
    }
}
