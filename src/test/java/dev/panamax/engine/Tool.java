package dev.panamax.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Running the engines' command-line tools, and the cleanup both fixtures share: mounts below a directory,
 * cgroup directories by name, processes whose command line names a directory.
 */
public final class Tool {
    private Tool() {
    }

    /**
     * What a command did.
     *
     * @param exit   its exit status
     * @param stdout its standard output
     * @param stderr its standard error
     */
    public record Result(int exit, String stdout, String stderr) {
        /** {@return this result, failing with the command's output unless it exited 0} */
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    /** Runs {@code command} with {@code env} added, at most {@code seconds}; a command still running is killed. */
    static Result run(Map<String, String> env, long seconds, List<String> command) {
        return run(env, seconds, command, false);
    }

    /**
     * As {@link #run(Map, long, List)}; with {@code stdinOpen} the command's standard input is a pipe that stays
     * open (and empty) until it exits, instead of {@code /dev/null}. {@code script} needs that: at the end of its
     * input it sends the terminal an end-of-file and may then exit before it has copied the last output.
     */
    static Result run(Map<String, String> env, long seconds, List<String> command, boolean stdinOpen) {
        try {
            Path out = Files.createTempFile("pmx-engine-out", ".txt");
            Path err = Files.createTempFile("pmx-engine-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(stdinOpen ? ProcessBuilder.Redirect.PIPE
                                : ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("still running after " + seconds + " s: " + String.join(" ", command)
                            + "\nstdout: " + Files.readString(out) + "\nstderr: " + Files.readString(err));
                }
                p.getOutputStream().close();
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@return a new directory /tmp/PREFIX + 8 random hex digits: a name no other test run uses} */
    static Path ownDirectory(String prefix) throws IOException {
        return Files.createDirectories(Path.of("/tmp", prefix + java.util.UUID.randomUUID().toString().substring(0, 8)));
    }

    /** Unmounts (lazily, deepest first) every mount at or below {@code dir}. */
    static void unmountBelow(Path dir) throws IOException {
        String prefix = dir.toString();
        List<String> targets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String target = line.split(" ")[4].replace("\\040", " ");
            if (target.equals(prefix) || target.startsWith(prefix + "/")) {
                targets.add(target);
            }
        }
        targets.sort(Comparator.comparingInt(String::length).reversed());
        for (String t : targets) {
            run(Map.of(), 30, List.of("umount", "-l", t));
        }
    }

    /** Removes the cgroup directory {@code name} (and those below it) of every hierarchy, deepest first. */
    static void removeCgroups(String name) throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path top = h.resolve(name);
                if (!Files.isDirectory(top)) {
                    continue;
                }
                List<Path> dirs;
                try (Stream<Path> walk = Files.walk(top)) {
                    dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
                }
                for (Path d : dirs) {
                    Files.deleteIfExists(d); // rmdir: a cgroup directory holds only kernel files
                }
            }
        }
    }

    /** SIGKILLs each process whose command line mentions {@code dir} (an engine's leftover shim or monitor). */
    static void killProcessesNaming(Path dir) {
        String needle = dir.toString();
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** Deletes {@code dir} and everything below it, never following a link. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A tar of a static busybox root filesystem (the applets as links), made with tar(1). */
    static void busyboxTar(Path tar) throws IOException {
        try (dev.panamax.BusyboxRootfs rootfs = dev.panamax.BusyboxRootfs.create()) {
            run(Map.of(), 60, List.of("tar", "-C", rootfs.path().toString(), "-cf", tar.toString(), ".")).ok();
        }
    }
}
