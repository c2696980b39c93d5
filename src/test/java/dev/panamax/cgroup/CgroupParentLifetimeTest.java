package dev.panamax.cgroup;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The default parent cgroup is created on demand, kept while the JVM runs (so a launch does not pay for
 * creating it in every hierarchy), and removed when the JVM exits. Checked with a child JVM and a parent
 * name of its own ({@link CgroupManager#PARENT_PROPERTY}), so this JVM's own parent does not interfere.
 */
@Tag("cgroup")
class CgroupParentLifetimeTest {

    /** Run in the child JVM: one cgroup under the parent, closed; the parent must outlive it. */
    public static void main(String[] args) {
        try (Cgroup cg = CgroupManager.system().create("lifetime", Resources.builder().pidsMax(5).build())) {
            System.out.println("created " + cg.name());
        }
        String parent = System.getProperty(CgroupManager.PARENT_PROPERTY);
        System.out.println(parentDirs(parent).isEmpty() ? "parent gone before exit" : "parent kept");
    }

    static List<Path> parentDirs(String parent) {
        try (Stream<Path> walk = Files.walk(Path.of("/sys/fs/cgroup"), 2)) {
            return walk.filter(p -> p.endsWith(parent.substring(1))).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theParentIsKeptWhileTheJvmRunsAndRemovedAtExit() throws Exception {
        String parent = "/panamax-lifetime-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(List.of(), parentDirs(parent));
        Path target = Path.of(System.getProperty("panamax.build.dir", "target"));
        String classPath = target.resolve("classes") + File.pathSeparator + target.resolve("test-classes");
        Process jvm = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-D" + CgroupManager.PARENT_PROPERTY + "=" + parent, "-cp", classPath,
                CgroupParentLifetimeTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(jvm.getInputStream().readAllBytes()).strip();
        try {
            assertEquals(0, jvm.waitFor(), out);
            assertEquals("parent kept", out.lines().reduce((a, b) -> b).orElse(""), out);
            assertEquals(List.of(), parentDirs(parent), "the JVM's exit removed the parent it created: " + out);
        } finally {
            for (Path p : parentDirs(parent)) {
                Files.deleteIfExists(p);
            }
        }
        assertFalse(out.contains("Exception"), out);
    }

    /**
     * Another JVM's exit removes a default parent it finds empty: a manager that made (or adopted) it makes it
     * again, prepared (a v1 cpuset parent gets its cpus and mems), and a cgroup under it takes processes.
     */
    @Test
    void aParentRemovedByAnotherJvmIsMadeAndPreparedAgain() throws Exception {
        String parent = "/panamax-remade-" + UUID.randomUUID().toString().substring(0, 8);
        CgroupManager manager = new CgroupManager(CgroupLayout.detect(), parent, true);
        Resources limits = Resources.builder().pidsMax(5).build();
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            manager.create("first", limits).close();
            for (Path p : parentDirs(parent)) {
                Files.delete(p); // what the other JVM's exit does to an empty parent
            }
            assertEquals(List.of(), parentDirs(parent));
            try (Cgroup again = manager.create("again", limits)) {
                again.addProcess(sleeper.pid());
                assertEquals(List.of(sleeper.pid()), again.pids(), "the remade parent's cgroup takes a process");
                sleeper.destroyForcibly().waitFor();
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
            manager.removeCreatedParents();
            for (Path p : parentDirs(parent)) {
                Files.deleteIfExists(p);
            }
        }
        assertEquals(List.of(), parentDirs(parent), "nothing left");
    }
}
