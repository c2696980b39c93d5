package dev.panamax.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** containerd's ctr driving an OCI runtime ({@link #runtime()}) to completion; the same checks for each runtime. */
abstract class ContainerdClientTest {
    static Containerd containerd;

    /** {@return the runtime binary containerd's shim calls} */
    abstract Path runtime();

    @BeforeAll
    static void startContainerd() throws IOException {
        containerd = Containerd.start();
    }

    @AfterAll
    static void closeContainerd() {
        if (containerd != null) {
            containerd.close();
            containerd = null;
        }
    }

    @Test
    void ctrRunPrintsTheOutputAndPassesTheExitStatusOn() {
        Tool.Result r = containerd.run(runtime(), "pmx-echo", "echo", "hi");
        assertEquals(0, r.exit(), () -> r + "\n" + containerd.log());
        assertEquals("hi\n", r.stdout());
        assertEquals(4, containerd.run(runtime(), "pmx-exit", "sh", "-c", "exit 4").exit());
        assertEquals("", containerd.ctr("containers", "list", "--quiet").ok().stdout(), "--rm removed them");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids", containerd.namespace(), "pmx-echo")),
                "the container's cgroup is gone");
    }
}
