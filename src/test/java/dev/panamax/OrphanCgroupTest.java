package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JVM killed while it holds containers leaves their cgroups; the next JVM that launches one removes them. */
@Tag("cgroup")
class OrphanCgroupTest extends BusyboxTest {

    private static Process probe(String mode) throws Exception {
        return ChildJvm.start(OrphanCgroupProbe.class, mode, root.path().toString());
    }

    @Test
    void cgroupsOfAKilledJvmAreRemovedByTheNextOne() throws Exception {
        Process holder = probe("hold");
        long container;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            String pid = out.readLine();
            assertEquals("ready", out.readLine(), "the holder launched its container: " + pid);
            container = Long.parseLong(pid);
        } finally {
            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup of ours runs
            holder.waitFor();
        }
        for (int i = 0; i < 100 && Files.exists(Path.of("/proc/" + container)); i++) {
            Thread.sleep(20); // the container dies with its JVM (and is reaped by the host's init)
        }
        assertFalse(Files.exists(Path.of("/proc/" + container)),
                "a container with a cgroup (cloned by the cloner thread) dies with its JVM");
        List<Path> left = ChildJvm.containerCgroupsOf(holder.pid());
        assertFalse(left.isEmpty(), "the killed JVM left its container's cgroups (else this test proves nothing)");

        Process next = probe("launch");
        String output = new String(next.getInputStream().readAllBytes());
        assertTrue(next.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, next.exitValue(), output);
        assertEquals(List.of(), ChildJvm.containerCgroupsOf(holder.pid()), "the next JVM removed them");
        assertEquals(List.of(), ChildJvm.containerCgroupsOf(next.pid()), "and its own");
    }
}
