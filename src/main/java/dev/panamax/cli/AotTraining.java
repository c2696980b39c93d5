package dev.panamax.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the AOT cache ({@code lib/panamax.aot}): runs the commands there are, in this one JVM,
 * so that the JVM records the classes they load and link (and, on JDK 25, their method profiles). The build
 * and {@code bin/panamax-install} run it as {@code java -XX:AOTCacheOutput=lib/panamax.aot ... -m
 * dev.panamax/dev.panamax.cli.AotTraining}; a later {@code bin/panamax} starts with {@code -XX:AOTCache}.
 *
 * <p>As root it also launches what an engine does: {@code run}, and {@code create}, {@code state}, {@code start},
 * {@code delete} of a bundle whose root holds a copy of the host's {@code true} (its cgroup and state are
 * removed again); without root it reads that bundle's config and compiles its program ({@code Launcher.plan})
 * without launching; where the bundle cannot be made, it says so on stderr and trains the rest. A training that
 * skips the launch leaves its classes out of the cache: a cold {@code run} then loads and links them from the jars
 * (a quarter of its time).
 */
public final class AotTraining {
    private AotTraining() {
    }

    /**
     * Runs each command a few times with its output discarded, in a temporary directory it then deletes; then
     * records this JVM in the layout's {@code lib}: {@code java-home} (the JVM {@code bin/panamax} runs) and
     * {@code panamax.aot.jvm} (the build the cache belongs to: the home and {@code java.runtime.version}, as the
     * JDK's {@code release} file names it).
     *
     * @param args the layout's {@code lib} directory, or nothing (record nothing)
     * @throws IOException when the temporary directory cannot be made or deleted, or a record written
     */
    public static void main(String[] args) throws IOException {
        train();
        if (args.length == 1) {
            Path lib = Path.of(args[0]);
            String home = System.getProperty("java.home");
            Files.writeString(lib.resolve("java-home"), home + "\n");
            Files.writeString(lib.resolve("panamax.aot.jvm"), home + " " + System.getProperty("java.runtime.version")
                    + "\n");
        }
    }

    /**
     * The commands on a saved container that has stopped (a made-up state file whose pid cannot exist: above
     * the kernel's largest pid_max), so that reading state files, the control's state, the config's parse for the
     * poststop hooks and the directory's removal are trained too; nothing is signalled or launched.
     */
    private static void trainStoppedContainer(Path root, Path bundle, PrintStream sink) {
        String id = "pmx-aot-training";
        try (ContainerDirectory dir = ContainerDirectory.create(root, id)) {
            dir.write(new SavedState(id, bundle.toAbsolutePath(), bundle.toAbsolutePath().resolve("rootfs"),
                    java.time.Instant.now().toString(), "", java.util.Map.of("training", "yes"), "/panamax/" + id,
                    "/panamax", 4_194_305, 1, java.util.Optional.of(new dev.panamax.StartRecord(4_194_305, 1,
                    dir.path().toAbsolutePath().resolve("no-fifo")))));
        }
        for (List<String> command : List.of(List.of("state", id), List.of("list"), List.of("list", "-f", "json"),
                List.of("ps", "-f", "json", id), List.of("kill", id), List.of("delete", id))) {
            List<String> args = new java.util.ArrayList<>(List.of("--root", root.toString()));
            args.addAll(command);
            Main.run(args, sink, sink);
        }
    }

    /**
     * A bundle as an engine passes it (runc's starter config, no terminal) running the host's {@code true}; as
     * root, {@code run} and the create-start-delete sequence on it, else only its config's parse and its program.
     */
    private static void trainLaunch(Path dir, PrintStream sink) throws IOException {
        String truePath = Files.isRegularFile(Path.of("/usr/bin/true")) ? "/usr/bin/true" : "/bin/true";
        Path bundle = Files.createDirectory(dir.resolve("launch"));
        dev.panamax.rootfs.Rootfs.fromHost(bundle.resolve("rootfs"), truePath);
        java.util.Map<String, Object> config = SpecTemplate.config(false, ProcessIds.current());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> process = (java.util.Map<String, Object>) config.get("process");
        process.put("terminal", false);
        process.put("args", List.of(truePath));
        Files.writeString(bundle.resolve("config.json"), Json.pretty(config, "\t"));
        if (ProcessIds.current().euid() != 0) {
            dev.panamax.Launcher.plan(dev.panamax.oci.OciConfig.read(bundle.resolve("config.json")).toSpec(bundle));
            return;
        }
        String root = dir.resolve("launch-root").toString();
        String prefix = "pmx-aot-" + ProcessHandle.current().pid() + "-";
        // run forwards these signals to its container: the training JVM takes its own handlers back afterwards
        java.util.Map<sun.misc.Signal, sun.misc.SignalHandler> handlers = new java.util.HashMap<>();
        for (String name : List.of("TERM", "INT", "HUP", "USR1", "USR2", "WINCH")) {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, sun.misc.SignalHandler.SIG_DFL);
            sun.misc.Signal.handle(signal, previous);
            handlers.put(signal, previous);
        }
        try {
            trainLaunches(root, prefix, bundle, sink);
        } finally {
            handlers.forEach(sun.misc.Signal::handle);
        }
    }

    private static void trainLaunches(String root, String prefix, Path bundle, PrintStream sink) {
        for (int round = 0; round < 3; round++) {
            Main.run(List.of("--root", root, "run", "--bundle", bundle.toString(), prefix + "run" + round), sink, sink);
            String id = prefix + "created" + round;
            Main.run(List.of("--root", root, "create", "--bundle", bundle.toString(), id), sink, sink);
            for (String command : List.of("state", "start", "state")) {
                Main.run(List.of("--root", root, command, id), sink, sink);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Main.run(List.of("--root", root, "delete", id), sink, sink) != 0 && System.nanoTime() < deadline) {
                sleep(); // until true has ended
            }
            Main.run(List.of("--root", root, "delete", "--force", id), sink, sink); // a no-op once deleted
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void train() throws IOException {
        Path dir = Files.createTempDirectory("pmx-aot-");
        try {
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            for (int round = 0; round < 3; round++) {
                Path bundle = Files.createDirectory(dir.resolve("bundle" + round));
                Path log = dir.resolve("log" + round + ".json");
                String root = dir.resolve("root" + round).toString();
                for (List<String> command : List.of(List.of("--version"), List.of("--help"), List.of("features"),
                        List.of("spec", "--bundle", bundle.toString()),
                        List.of("spec", "--bundle", bundle.toString()), // exists: the error path
                        List.of("--log", log.toString(), "--log-format", "json", "spec", "--rootless", "--bundle",
                                bundle.toString()),
                        List.of("--debug", "--no-such-flag"), List.of("no-such-command"),
                        List.of("--root", root, "list"), List.of("--root", root, "list", "--format=json"),
                        List.of("--root", root, "state", "pmx-none"), List.of("--root", root, "kill", "pmx-none", "KILL"),
                        List.of("--root", root, "delete", "-f", "pmx-none"), List.of("create", "--help"),
                        List.of("run", "-bundle", bundle.toString(), "--bogus"))) {
                    Main.run(command, sink, sink);
                }
                trainStoppedContainer(Path.of(root), bundle, sink);
            }
            try {
                trainLaunch(dir, sink);
            } catch (RuntimeException e) { // a host where the bundle cannot be made: the cache is trained without
                System.err.println("AOT training: no launch trained: " + e.getMessage());
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
