package dev.panamax.examples;

import dev.panamax.LaunchException;
import dev.panamax.cgroup.CgroupException;
import dev.panamax.rootfs.Rootfs;
import dev.panamax.rootfs.RootfsException;
import dev.panamax.spec.InvalidSpecException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the examples share: where the default rootfs lives, and how a failure is reported (one line, no
 * stack trace).
 *
 * <pre>{@code
 * Examples.run("demo", () -> {
 *     Path rootfs = Examples.rootfs(args, 0);   // args[0], or the default rootfs (built once, cached)
 *     ...
 * });
 * }</pre>
 */
final class Examples {
    /** Where the default rootfs is built unless {@code -Dpanamax.rootfs=DIR} says otherwise. */
    static final Path DEFAULT_CACHE = Path.of(System.getProperty("user.home"), ".cache", "panamax", "rootfs");

    private Examples() {
    }

    /** {@code args[index]} as a rootfs directory, or the default rootfs built from the host's programs. */
    static Path rootfs(String[] args, int index) {
        if (args.length > index) {
            return Path.of(args[index]);
        }
        Path cache = Path.of(System.getProperty("panamax.rootfs", DEFAULT_CACHE.toString()));
        return Rootfs.defaultRootfs(cache);
    }

    /**
     * The command that runs {@code main} with {@code args} in a JVM like this one, for a shell: this JVM's own
     * {@code java} (the JDK 22+ Maven picked, not the {@code java} on PATH) and the class path's directories
     * (the library's and the examples' classes; the examples need no jar).
     */
    static List<String> javaCommand(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classDirectories(), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code command} as one line for a POSIX shell, each word quoted where it needs it. */
    static String shellLine(List<String> command) {
        return command.stream().map(Examples::quote).collect(Collectors.joining(" "));
    }

    /** This JVM's class path entries that are directories, as absolute paths. */
    static String classDirectories() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().normalize()).filter(Files::isDirectory).map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String quote(String word) {
        return word.matches("[\\w./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** True when this process runs as root: containers need it (the Rootless example shows the other way). */
    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** An example's body; what it may throw is reported by {@link #run}. */
    interface Body {
        int run() throws Exception;
    }

    /**
     * Runs {@code body} and exits with its status; the failures a user can cause (no privileges, a missing
     * kernel feature, a bad rootfs) end in one line naming the cause, not a stack trace.
     */
    static void run(String name, Body body) {
        if (!isRoot()) {
            fail(name, "run as root (or see the Rootless example)");
        }
        int status;
        try {
            status = body.run();
        } catch (LaunchException | InvalidSpecException | CgroupException | RootfsException e) {
            fail(name, e.getMessage());
            return;
        } catch (Exception e) {
            fail(name, e.toString());
            return;
        }
        System.exit(status);
    }

    static void fail(String name, String message) {
        System.err.println(name + ": " + message);
        System.exit(1);
    }
}
