package dev.panamax;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: a second JVM on this build's classes (for what must not happen to the test's own JVM: being
 * killed, dying with its containers), and the container cgroups a JVM leaves.
 *
 * <pre>{@code
 * Process jvm = ChildJvm.start(MemoryLimitProbe.class, rootfs.toString(), "20");
 * ChildJvm.containerCgroupsOf(jvm.pid());   // [] once it has cleaned up
 * }</pre>
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The classes of this build, for a child JVM on the class path. */
    public static String classPath() {
        Path target = Path.of(System.getProperty("panamax.build.dir", "target"));
        return target.resolve("classes") + File.pathSeparator + target.resolve("test-classes");
    }

    /** The java launcher of this JVM. */
    public static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    /** The command line that runs {@code main} in a child JVM with native access. */
    public static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                classPath(), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code main} in a child JVM, standard error merged into standard output. */
    public static Process start(Class<?> main, String... args) throws IOException {
        return new ProcessBuilder(command(main, args)).redirectErrorStream(true).start();
    }

    /**
     * Container cgroups of this JVM left behind: {@link #containerCgroupsOf} this JVM, once the cgroups made ahead
     * for later launches are removed.
     */
    public static List<Path> containerCgroupsLeftHere() throws IOException {
        dev.panamax.cgroup.CgroupManager.system().removeReadyCgroups();
        return containerCgroupsOf(ProcessHandle.current().pid());
    }

    /** Container cgroups ({@code c<jvm pid>-<n>}) of the given JVM anywhere under /sys/fs/cgroup. */
    public static List<Path> containerCgroupsOf(long jvmPid) throws IOException {
        String prefix = "c" + jvmPid + "-";
        try (Stream<Path> walk = Files.walk(Path.of("/sys/fs/cgroup"), 3)) {
            return walk.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith(prefix)).toList();
        }
    }
}
