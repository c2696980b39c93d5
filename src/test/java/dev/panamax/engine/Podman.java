package dev.panamax.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * podman (Debian's 4.3) as a real client of an OCI runtime, in a world of its own: its own containers.conf
 * and storage.conf (storage, run and temporary directories in a temporary directory), the limits this host's
 * shell allows ({@code default_ulimits} nofile 20000, nproc 32768), no network setup in the host
 * ({@code netns = "none"}), the cgroupfs manager under a cgroup parent of its own, a file events log; the
 * image {@link #IMAGE} imported from a busybox-static tarball. {@link #close()} removes containers, images,
 * storage (its overlay mounts unmounted), left-over conmon processes and the cgroups.
 *
 * <pre>{@code
 * try (Podman podman = Podman.start()) {
 *     podman.runRm(Path.of("/usr/sbin/runc"), List.of(), "echo", "hi").ok().stdout();   // "hi\n"
 * }
 * }</pre>
 */
public final class Podman implements AutoCloseable {
    /** The image's name in this fixture's storage. */
    public static final String IMAGE = "localhost/pmxbox:latest";

    private final Path dir;
    private final String cgroupParent;
    private final Map<String, String> env;

    private Podman(Path dir, String name) {
        this.dir = dir;
        this.cgroupParent = name;
        this.env = Map.of("CONTAINERS_CONF", dir.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString(),
                "CONTAINERS_REGISTRIES_CONF", dir.resolve("registries.conf").toString());
    }

    /**
     * Writes the configuration and imports the image.
     *
     * @return the fixture
     * @throws IOException if its files cannot be written
     */
    public static Podman start() throws IOException {
        Path dir = Tool.ownDirectory("pmxpod-");
        Podman podman = new Podman(dir, dir.getFileName().toString());
        try {
            Files.writeString(dir.resolve("containers.conf"), """
                    [containers]
                    default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                    netns = "none"
                    [engine]
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    events_logfile_path = "%1$s/events.log"
                    tmp_dir = "%1$s/libpod"
                    volume_path = "%1$s/volumes"
                    """.formatted(dir));
            Files.writeString(dir.resolve("storage.conf"), """
                    [storage]
                    driver = "overlay"
                    runroot = "%1$s/run"
                    graphroot = "%1$s/graph"
                    """.formatted(dir));
            Files.writeString(dir.resolve("registries.conf"), "unqualified-search-registries = []\n");
            Path tar = dir.resolve("rootfs.tar");
            Tool.busyboxTar(tar);
            podman.podman("import", "--change", "CMD=/bin/sh", "--change", "ENV=PATH=/bin", tar.toString(), "pmxbox")
                    .ok();
            return podman;
        } catch (IOException | RuntimeException | Error e) {
            podman.close();
            throw e;
        }
    }

    /** {@return the directory of its configuration, storage and logs} */
    public Path dir() {
        return dir;
    }

    /** {@return the environment variables that point podman at this fixture's configuration} */
    public Map<String, String> environment() {
        return env;
    }

    /**
     * Runs {@code podman ARGS} in this fixture's world.
     *
     * @param args podman's arguments
     * @return what it did
     */
    public Tool.Result podman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return Tool.run(env, 120, command);
    }

    /**
     * {@code podman --runtime RUNTIME run --rm --cgroup-parent OWN OPTIONS IMAGE COMMAND}.
     *
     * @param runtime the OCI runtime binary
     * @param options more options of {@code run} ({@code -d}, {@code --name X})
     * @param command what the container runs
     * @return what podman did: the container's output and exit status
     */
    public Tool.Result run(Path runtime, List<String> options, String... command) {
        return podman(runArgs(runtime, options, command).toArray(String[]::new));
    }

    /**
     * The command line of {@link #run}, to start with this fixture's {@link #environment()} (a benchmark times it).
     *
     * @param runtime the OCI runtime binary
     * @param options more options of {@code run} ({@code --rm})
     * @param command what the container runs
     * @return {@code podman} and its arguments
     */
    public List<String> runCommand(Path runtime, List<String> options, String... command) {
        List<String> line = new ArrayList<>(List.of("podman"));
        line.addAll(runArgs(runtime, options, command));
        return line;
    }

    /** The arguments of {@link #run}: the runtime, the cgroup parent, then {@code options}, image and command. */
    private List<String> runArgs(Path runtime, List<String> options, String... command) {
        List<String> args = new ArrayList<>(List.of("--runtime", runtime.toString(), "run", "--cgroup-parent",
                "/" + cgroupParent));
        args.addAll(options);
        args.add(IMAGE);
        args.addAll(List.of(command));
        return args;
    }

    /**
     * {@link #run} under a pseudo-terminal ({@code script -qec}, which passes the exit status on), for
     * {@code -it}.
     *
     * @param runtime the OCI runtime binary
     * @param options more options of {@code run}, e.g. {@code -it}
     * @param command what the container runs (words without quotes or spaces)
     * @return what script did: the terminal's output and podman's exit status
     */
    public Tool.Result runOnTerminal(Path runtime, List<String> options, String... command) {
        List<String> args = new ArrayList<>(List.of("podman"));
        args.addAll(runArgs(runtime, options, command));
        return Tool.run(env, 120, List.of("script", "-qec", String.join(" ", args), "/dev/null"), true);
    }

    /**
     * Removes its containers and images, unmounts what its storage left mounted, ends left-over conmon
     * processes of this fixture, removes its cgroups and its directory.
     */
    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("containers.conf"))) {
                podman("rm", "--all", "--force", "--time", "0");
                podman("rmi", "--all", "--force");
            }
            Tool.killProcessesNaming(dir);
            Tool.unmountBelow(dir);
            Tool.removeCgroups(cgroupParent);
            Tool.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
