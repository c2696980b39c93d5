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
