package dev.panamax.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Real processes and leak checks for the cgroup tests. */
final class CgroupFixtures {

    /** Managers with a test parent of their own; their parents go after each test (the default one at exit). */
    private static final List<CgroupManager> TEST_MANAGERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final List<Process> processes = new ArrayList<>();
    private final List<Cgroup> cgroups = new ArrayList<>();

    /** Managers to run driver tests with: the host's default, plus v1 alone and v2 alone where the host has them. */
    static Stream<CgroupManager> managers() {
        CgroupLayout layout = CgroupLayout.detect();
        List<CgroupManager> managers = new ArrayList<>();
        managers.add(CgroupManager.system());
        if (layout.mode() == CgroupMode.HYBRID) {
            managers.add(testManager(new CgroupManager(layout.v1Only(), "/panamax-test-v1", true)));
            managers.add(testManager(new CgroupManager(layout.unifiedOnly(), "/panamax-test-v2", true)));
        }
        return managers.stream();
    }

    static CgroupManager testManager(CgroupManager m) {
        TEST_MANAGERS.add(m);
        return m;
    }

    Cgroup track(Cgroup cgroup) {
        cgroups.add(cgroup);
        return cgroup;
    }

    /**
     * Starts {@code sh -c 'read go; <script>'}: the process waits on stdin, so it can be put into a cgroup before it
     * does anything; {@link #release(Process)} lets it go.
     */
    Process gated(String script) throws IOException {
        Process p = new ProcessBuilder("sh", "-c", "read go; " + script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    Process startIn(Cgroup cgroup, String script) throws IOException {
        Process p = gated(script);
        cgroup.addProcess(p.pid());
        release(p);
        return p;
    }

    static void release(Process p) throws IOException {
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
    }

    /** Kills what the test started and closes its cgroups; the first failure is rethrown. */
    void cleanUp() {
        processes.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        processes.forEach(Process::destroyForcibly);
        RuntimeException failure = null;
        for (Cgroup cgroup : cgroups.reversed()) {
            try {
                cgroup.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        TEST_MANAGERS.forEach(CgroupManager::removeCreatedParents);
        if (failure != null) {
            throw failure;
        }
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    static int exitOf(Process p, Duration timeout) throws InterruptedException {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("process " + p.pid() + " still runs after " + timeout.toSeconds() + " s");
        }
        return p.exitValue();
    }

    /**
     * Every directory named panamax* under /sys/fs/cgroup (a few levels deep: hierarchy, parent, child). A cgroup
     * removed while the tree is walked (by another JVM's launch, say) is skipped, not an error.
     */
    static Set<Path> panamaxCgroups() {
        Set<Path> found = new TreeSet<>();
        try {
            Files.walkFileTree(Path.of("/sys/fs/cgroup"), Set.of(), 4, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return visitFile(dir, attrs);
                }

                @Override // also a directory at the depth limit
                public FileVisitResult visitFile(Path path, BasicFileAttributes attrs) {
                    String name = path.getFileName() == null ? "" : path.getFileName().toString();
                    // the shared parent (/panamax) lives until the JVM exits: CgroupParentLifetimeTest checks that
                    if (attrs.isDirectory() && name.startsWith("panamax") && !name.equals("panamax")) {
                        found.add(path);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path path, IOException e) throws IOException {
                    return postVisitDirectory(path, e);
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e == null || e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** For @AfterAll: nothing panamax* remains that was not there before the class ran. */
    static void assertNoLeftovers(Set<Path> before) {
        Set<Path> now = panamaxCgroups();
        now.removeAll(before);
        assertEquals(Set.of(), now, "cgroups left behind by the tests");
    }

    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean hostHasSwap() {
        return read(Path.of("/proc/swaps")).lines().count() > 1;
    }
}
