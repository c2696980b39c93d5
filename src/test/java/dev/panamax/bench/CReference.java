package dev.panamax.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark's C reference: {@code src/test/c/launch_server.c} with the {@code plans.h} that
 * {@link PlanToC} writes for {@code plans}, compiled with gcc into {@code target/bench/} at run time (no
 * binary is kept in git) and started as a {@link LaunchServer}: command {@code 's'} is posix_spawn of
 * {@code /bin/true}, {@code '0' + k} a launch doing the system calls of plan k.
 */
final class CReference {
    /** Where the C source lies, relative to the project directory (the benchmark's working directory). */
    static final Path SOURCE = Path.of("src/test/c/launch_server.c");

    private CReference() {
    }

    /** Builds the server for {@code plans} in {@code dir} (created if needed); returns the binary. */
    static Path build(List<PlanToC.Plan> plans, Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(SOURCE)) {
            throw new IllegalStateException(SOURCE.toAbsolutePath() + " is missing: run the benchmark from the "
                    + "project directory (mvn -q -B -DskipTests test-compile exec:exec@bench does)");
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("plans.h"), PlanToC.header(plans));
        Path binary = dir.resolve("launch-server");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-fno-stack-protector", "-I", dir.toString(), "-o",
                    binary.toString(), SOURCE.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("gcc not found: the C reference rows are compiled at run time "
                    + "(apt-get install gcc)", e);
        }
        String output = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc failed on " + SOURCE + " with " + dir.resolve("plans.h") + ":\n"
                    + output);
        }
        return binary;
    }

    /** Builds and starts the server. */
    static LaunchServer start(List<PlanToC.Plan> plans, Path dir) throws IOException, InterruptedException {
        return LaunchServer.start(List.of(build(plans, dir).toString()));
    }
}
