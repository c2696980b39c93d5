package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Die-with-parent: the container goes when the JVM goes, and not when the launching thread goes. */
@Tag("kernel")
class DieWithParentTest extends BusyboxTest {

    @Test
    void theContainerDiesWithinASecondOfTheJvm() throws Exception {
        Process jvm = ChildJvm.start(DieWithParentProbe.class, root.path().toString());
        long pid;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.matches("\\d+"), "the probe prints the container pid, got: " + line);
            pid = Long.parseLong(line);
            assertTrue(Files.exists(Path.of("/proc/" + pid)), "the container runs");
        } finally {
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup code of ours runs
            jvm.waitFor();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (isAlive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(isAlive(pid), "container " + pid + " outlived its JVM by more than a second");
    }

    /** Alive and not a zombie (a zombie is dead; init reaps it soon). */
    private static boolean isAlive(long pid) throws Exception {
        Path status = Path.of("/proc/" + pid + "/status");
        try {
            return Files.readAllLines(status).stream().noneMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    @Test
    void aContainerLaunchedFromAShortLivedThreadOutlivesThatThread() throws Exception {
        for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
            AtomicReference<Container> launched = new AtomicReference<>();
            Thread t = builder.start(() -> launched.set(Launcher.launch(
                    ContainerSpec.builder().rootfs(root.path()).command("sleep", "1000").build())));
            t.join();
            try (Container c = launched.get()) {
                Thread.sleep(300);
                assertTrue(c.isAlive(), "PR_SET_PDEATHSIG must not fire when the launching thread ends");
                assertTrue(isAlive(c.pid()));
            }
            assertEquals(false, launched.get().isAlive());
        }
    }
}
