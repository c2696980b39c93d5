package dev.panamax.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * containerd (Debian's 1.6) as a real client of an OCI runtime: a daemon this fixture starts with its own
 * root, state, sockets and opt directory in a temporary directory (no CRI plugin, no metrics listener), a
 * namespace of its own, and the image {@link #IMAGE} imported with {@code ctr image import} from an OCI
 * archive of a busybox-static root built with umoci. {@link #close()} stops the daemon, ends shims left
 * behind, unmounts what is mounted below its directory, removes the namespace's cgroups and the directory.
 *
 * <pre>{@code
 * try (Containerd containerd = Containerd.start()) {
 *     containerd.run(Path.of("/usr/sbin/runc"), "c1", "echo", "hi").ok().stdout();   // "hi\n"
 * }
 * }</pre>
 */
public final class Containerd implements AutoCloseable {
    /** The image's reference in the fixture's namespace. */
    public static final String IMAGE = "pmx/box:pmxbox";

    private final Path dir;
    private final String namespace;
    private Process daemon;

    private Containerd(Path dir, String namespace) {
        this.dir = dir;
        this.namespace = namespace;
    }

    /**
     * Starts the daemon, waits for its socket and imports the image.
     *
     * @return the fixture
     * @throws IOException if its files cannot be written or the daemon does not start
     */
    public static Containerd start() throws IOException {
        Path dir = Tool.ownDirectory("pmxctd");
        Containerd c = new Containerd(dir, dir.getFileName().toString());
        try {
            Files.writeString(dir.resolve("config.toml"), """
                    version = 2
                    root = "%1$s/root"
                    state = "%1$s/state"
                    disabled_plugins = ["io.containerd.grpc.v1.cri"]
                    [grpc]
                      address = "%1$s/containerd.sock"
                    [ttrpc]
                      address = "%1$s/containerd.sock.ttrpc"
                    [debug]
                      address = "%1$s/debug.sock"
                    [metrics]
                      address = ""
                    [plugins."io.containerd.internal.v1.opt"]
                      path = "%1$s/opt"
                    """.formatted(dir));
            c.daemon = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
            c.awaitSocket();
            Path tar = c.ociArchive();
            c.ctr("image", "import", "--base-name", "pmx/box", tar.toString()).ok();
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** ctr against a socket that does not exist yet hangs ~10 s: poll for the file first. */
    private void awaitSocket() throws IOException {
        Path socket = dir.resolve("containerd.sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("containerd did not start: " + Files.readString(dir.resolve("daemon.log")));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** An OCI archive of a busybox root with {@code /bin/sh} as Cmd, tagged pmxbox, made with umoci. */
    private Path ociArchive() throws IOException {
        Path layout = dir.resolve("layout");
        Path bundle = dir.resolve("bundle");
        Path tar = dir.resolve("rootfs.tar");
        Tool.busyboxTar(tar);
        String image = layout + ":pmxbox";
        Tool.run(Map.of(), 60, List.of("umoci", "init", "--layout", layout.toString())).ok();
        Tool.run(Map.of(), 60, List.of("umoci", "new", "--image", image)).ok();
        Tool.run(Map.of(), 60, List.of("umoci", "unpack", "--rootless", "--image", image, bundle.toString())).ok();
        Tool.run(Map.of(), 60, List.of("tar", "-C", bundle.resolve("rootfs").toString(), "-xf", tar.toString())).ok();
        Tool.run(Map.of(), 60, List.of("umoci", "repack", "--image", image, bundle.toString())).ok();
        Tool.run(Map.of(), 60, List.of("umoci", "config", "--image", image, "--config.cmd", "/bin/sh",
                "--config.env", "PATH=/bin")).ok();
        Path archive = dir.resolve("image.tar");
        Tool.run(Map.of(), 60, List.of("tar", "-C", layout.toString(), "-cf", archive.toString(), ".")).ok();
        return archive;
    }

    /** {@return the directory of its root, state, sockets and log} */
    public Path dir() {
        return dir;
    }

    /** {@return the containerd namespace the fixture uses; containers' cgroups are {@code <controller>/<ns>/<id>}} */
    public String namespace() {
        return namespace;
    }

    /**
     * Runs {@code ctr -a SOCKET -n NAMESPACE ARGS}.
     *
     * @param args ctr's arguments
     * @return what it did
     */
    public Tool.Result ctr(String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "-a", dir.resolve("containerd.sock").toString(), "-n",
                namespace));
        command.addAll(List.of(args));
        return Tool.run(Map.of(), 120, command);
    }

    /**
     * {@code ctr run --rm --runc-binary RUNTIME IMAGE ID COMMAND}: the container to completion.
     *
     * @param runtime the OCI runtime binary
     * @param id      the container's id
     * @param command what it runs
     * @return what ctr did: the container's output and exit status
     */
    public Tool.Result run(Path runtime, String id, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--runc-binary", runtime.toString(), IMAGE, id));
        args.addAll(List.of(command));
        return ctr(args.toArray(String[]::new));
    }

    /** {@return the daemon's log so far (for failure messages)} */
    public String log() {
        try {
            return Files.readString(dir.resolve("daemon.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the daemon (SIGTERM, then SIGKILL after 10 s), ends the shims it left, unmounts everything below
     * its directory, removes the namespace's cgroups and the directory.
     */
    @Override
    public void close() {
        try {
            if (daemon != null) {
                daemon.destroy();
                if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly().waitFor();
                }
            }
            Tool.killProcessesNaming(dir);
            Tool.unmountBelow(dir);
            Tool.removeCgroups(namespace);
            Tool.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
