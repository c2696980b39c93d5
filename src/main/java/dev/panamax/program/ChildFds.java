package dev.panamax.program;

import java.util.ArrayList;
import java.util.List;

/**
 * The descriptors a child program refers to, as arguments. At launch they carry the real numbers; in a
 * plan they are symbolic ({@code sync_r}), so a plan reads the same every time. All are close-on-exec in
 * the JVM; the child's first steps clear that flag on its own copies of those it keeps past the
 * {@code execveat} of the setup executable ({@link #keptAcrossSetupExec}).
 *
 * @param hello           write end of the hello pipe: a vfork child's first step says it runs there (its
 *                        cloner thread sleeps until the exec), or null for a child cloned without vfork
 *                        (no cgroup, or an init)
 * @param syncRead        read end of the sync pipe (the child waits here for the parent's go)
 * @param syncWrite       the parent's write end, which the child closes (or its exec does) so that EOF
 *                        means "parent died"
 * @param errorWrite      write end of the error pipe (a failed step's record; EOF at the final execve)
 * @param setupExecutable the sealed memfd of the setup executable
 * @param statusWrite     write end of the status pipe the init reports the command's wait status to, or
 *                        null without an init
 * @param stdin           descriptor to become fd 0, or null to inherit
 * @param stdout          descriptor to become fd 1, or null to inherit
 * @param stderr          descriptor to become fd 2, or null to inherit
 * @param kept            the launch's copies of the kept descriptors ({@code ProcessSpec.keptFds}), in the
 *                        spec's order, each numbered above every container descriptor kept
 * @param joins           the namespaces the child joins, one descriptor per {@code ContainerSpec.joins()} entry
 *                        in its order: the namespace file, or the other container's pidfd
 * @param start           the start FIFO of a created container (read and write: the child waits there for a
 *                        starter's byte before its exec, see {@link CreatedSteps}), or null for a launch
 * @param layersDir       the launch's own directory of the ephemeral root's writable layers ({@code O_PATH}):
 *                        the child names them relative to it ({@link OverlaySteps}), so that the program is
 *                        the same for every launch of a spec; null without an ephemeral root or when the spec
 *                        keeps its upper directory at a path of its own
 */
public record ChildFds(Arg.Word hello, Arg.Word syncRead, Arg.Word syncWrite, Arg.Word errorWrite,
                       Arg.Word setupExecutable, Arg.Word statusWrite, Arg.Word stdin, Arg.Word stdout,
                       Arg.Word stderr, List<Kept> kept, List<Arg.Word> joins,
                       Arg.Word start, Arg.Word layersDir) {

    /** The launch's copy of one kept descriptor ({@code source}) and the number it gets in the container. */
    public record Kept(Arg.Word source, int containerFd) {
    }

    public ChildFds {
        kept = List.copyOf(kept);
        joins = List.copyOf(joins);
    }

    /** Without the layers' directory. */
    public ChildFds(Arg.Word hello, Arg.Word syncRead, Arg.Word syncWrite, Arg.Word errorWrite,
                    Arg.Word setupExecutable, Arg.Word statusWrite, Arg.Word stdin, Arg.Word stdout,
                    Arg.Word stderr, List<Kept> kept, List<Arg.Word> joins, Arg.Word start) {
        this(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout, stderr, kept, joins,
                start, null);
    }

    /** A launch's descriptors: no start FIFO. */
    public ChildFds(Arg.Word hello, Arg.Word syncRead, Arg.Word syncWrite, Arg.Word errorWrite,
                    Arg.Word setupExecutable, Arg.Word statusWrite, Arg.Word stdin, Arg.Word stdout,
                    Arg.Word stderr, List<Kept> kept, List<Arg.Word> joins) {
        this(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout, stderr, kept, joins,
                null);
    }

    /** Without joined namespaces and start FIFO. */
    public ChildFds(Arg.Word hello, Arg.Word syncRead, Arg.Word syncWrite, Arg.Word errorWrite,
                    Arg.Word setupExecutable, Arg.Word statusWrite, Arg.Word stdin, Arg.Word stdout,
                    Arg.Word stderr, List<Kept> kept) {
        this(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout, stderr, kept,
                List.of());
    }

    /** Without kept descriptors. */
    public ChildFds(Arg.Word hello, Arg.Word syncRead, Arg.Word syncWrite, Arg.Word errorWrite,
                    Arg.Word setupExecutable, Arg.Word statusWrite, Arg.Word stdin, Arg.Word stdout,
                    Arg.Word stderr) {
        this(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout, stderr, List.of());
    }

    /** The same descriptors with {@code kept} as the kept ones. */
    public ChildFds withKept(List<Kept> kept) {
        return new ChildFds(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout,
                stderr, kept, joins, start, layersDir);
    }

    /** The same descriptors with {@code joins} as the joined namespaces' ({@code ContainerSpec.joins()} order). */
    public ChildFds withJoins(List<Arg.Word> joins) {
        return new ChildFds(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout,
                stderr, kept, joins, start, layersDir);
    }

    /**
     * The name a joined namespace's descriptor has in plans: {@code ns_net} for a namespace file,
     * {@code pidfd_K} for the K-th join's container.
     */
    public static String joinName(dev.panamax.NamespaceJoin join, int index) {
        return join.path().isPresent()
                ? "ns_" + join.namespaces().iterator().next().procName() : "pidfd_" + index;
    }

    /** Symbolic descriptors for {@code joins} in a plan, named by {@link #joinName}. */
    public static List<Arg.Word> symbolicJoins(List<dev.panamax.NamespaceJoin> joins) {
        return java.util.stream.IntStream.range(0, joins.size())
                .mapToObj(i -> Arg.Word.unknown(joinName(joins.get(i), i))).toList();
    }

    /** The same descriptors with {@code start} as the start FIFO of a created container. */
    public ChildFds withStart(Arg.Word start) {
        return new ChildFds(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout,
                stderr, kept, joins, start, layersDir);
    }

    /** The same descriptors with {@code layersDir} as the directory of the ephemeral root's writable layers. */
    public ChildFds withLayersDir(Arg.Word layersDir) {
        return new ChildFds(hello, syncRead, syncWrite, errorWrite, setupExecutable, statusWrite, stdin, stdout,
                stderr, kept, joins, start, layersDir);
    }

    /** Symbolic copies for a plan: {@code keep_N} for container descriptor N. */
    public static List<Kept> symbolicKept(List<dev.panamax.ProcessSpec.KeptFd> kept) {
        return kept.stream().map(k -> new Kept(Arg.Word.unknown("keep_" + k.containerFd()), k.containerFd()))
                .toList();
    }

    /** Symbolic descriptors for plans; {@code piped} says which standard streams get one. */
    public static ChildFds symbolic(boolean init, boolean vfork, boolean stdin, boolean stdout, boolean stderr) {
        return new ChildFds(vfork ? Arg.Word.unknown("hello_w") : null, Arg.Word.unknown("sync_r"),
                Arg.Word.unknown("sync_w"), Arg.Word.unknown("err_w"),
                init ? Arg.Word.unknown("setup_exe") : null,
                init ? Arg.Word.unknown("status_w") : null,
                stdin ? Arg.Word.unknown("stdin_fd") : null,
                stdout ? Arg.Word.unknown("stdout_fd") : null,
                stderr ? Arg.Word.unknown("stderr_fd") : null);
    }

    public static Arg.Word fd(int fd, String name) {
        return Arg.Word.descriptor(name, fd);
    }

    /**
     * All nine, in the record's order, null where absent, then the kept ones' copies, then the joined, then
     * the layers' directory (null where absent).
     */
    List<Arg.Word> all() {
        List<Arg.Word> all = new ArrayList<>(java.util.Arrays.asList(hello, syncRead, syncWrite, errorWrite,
                setupExecutable, statusWrite, stdin, stdout, stderr));
        kept.forEach(k -> all.add(k.source()));
        all.addAll(joins);
        all.add(layersDir);
        return all;
    }

    /**
     * Which of the nine are present, as bits in the record's order, bit 9 whether the layers' directory is,
     * above them (from bit 10) how many are kept (up to 1024 descriptors can be open past execve, so 11 bits),
     * and above that how many are joined.
     */
    int shape() {
        int bits = kept.size() << 10 | joins.size() << 21 // a start FIFO never goes into a template
                | (layersDir == null ? 0 : 1 << 9);
        List<Arg.Word> all = all();
        for (int k = 0; k < 9; k++) {
            bits |= all.get(k) == null ? 0 : 1 << k;
        }
        return bits;
    }

    /** Symbolic descriptors where these have real ones, named alike ({@code sync_r}): a program template's. */
    ChildFds symbolic() {
        Arg.Word[] w = all().stream().map(d -> d == null ? null : Arg.Word.unknown(d.text().replaceFirst("=.*", "")))
                .toArray(Arg.Word[]::new);
        List<Kept> symbolicKept = new ArrayList<>();
        for (int k = 0; k < kept.size(); k++) {
            symbolicKept.add(new Kept(w[9 + k], kept.get(k).containerFd()));
        }
        return new ChildFds(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], symbolicKept,
                java.util.Arrays.asList(w).subList(9 + kept.size(), w.length - 1), null, w[w.length - 1]);
    }

    /** The descriptors the setup steps use after the {@code execveat}: every one but the memfd itself. */
    List<Arg.Word> keptAcrossSetupExec() {
        List<Arg.Word> kept = new ArrayList<>();
        for (Arg.Word fd : new Arg.Word[] {errorWrite, syncRead, statusWrite, stdin, stdout, stderr}) {
            if (fd != null) {
                kept.add(fd);
            }
        }
        for (Kept k : this.kept) {
            kept.add(k.source());
        }
        kept.addAll(joins);
        if (start != null) {
            kept.add(start);
        }
        if (layersDir != null) {
            kept.add(layersDir);
        }
        return kept;
    }
}
