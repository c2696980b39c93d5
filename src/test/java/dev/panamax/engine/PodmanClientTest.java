package dev.panamax.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * podman driving an OCI runtime ({@link #runtime()}): the checks are the same for every runtime, so the
 * subclass for runc proves the harness (and is the benchmark's baseline) and the one for Panamax tests it.
 */
abstract class PodmanClientTest {
    static Podman podman;

    /** {@return the runtime binary podman calls} */
    abstract Path runtime();

    @BeforeAll
    static void startPodman() throws IOException {
        podman = Podman.start();
    }

    @AfterAll
    static void closePodman() {
        if (podman != null) {
            podman.close();
            podman = null;
        }
    }

    private static String name() {
        return "pmx" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void runRmPrintsTheOutputAndPassesTheExitStatusOn() {
        assertEquals("hi\n", podman.run(runtime(), List.of("--rm"), "echo", "hi").ok().stdout());
        assertEquals(3, podman.run(runtime(), List.of("--rm"), "sh", "-c", "exit 3").exit());
    }

    @Test
    void sysctlsOfTheContainersNamespacesReachIt() {
        assertEquals("65536\n0\t0\n", podman.run(runtime(), List.of("--rm", "--sysctl", "kernel.shmmax=65536",
                "--sysctl", "net.ipv4.ping_group_range=0 0"), "cat", "/proc/sys/kernel/shmmax",
                "/proc/sys/net/ipv4/ping_group_range").ok().stdout());
    }

    @Test
    void aDetachedContainerStopsOnSigtermAndIsRemoved() {
        String name = name();
        podman.run(runtime(), List.of("-d", "--name", name), "sh", "-c",
                "trap 'exit 7' TERM; while :; do sleep 0.1; done").ok();
        podman.podman("stop", "--time", "10", name).ok();
        assertEquals("7", podman.podman("inspect", "--format", "{{.State.ExitCode}}", name).ok().stdout().strip(),
                "SIGTERM reached the container's trap");
        podman.podman("rm", name).ok();
        assertEquals(1, podman.podman("container", "exists", name).exit());
    }

    @Test
    void aDetachedContainerTakesExec() {
        String name = name();
        podman.run(runtime(), List.of("-d", "--name", name), "sleep", "1000").ok();
        try {
            assertEquals("in\n", podman.podman("exec", name, "echo", "in").ok().stdout());
            assertEquals(5, podman.podman("exec", name, "sh", "-c", "exit 5").exit());
        } finally {
            podman.podman("rm", "--force", "--time", "0", name);
        }
    }

    @Test
    void aKilledContainerExitsWithTheSignal() {
        String name = name();
        podman.run(runtime(), List.of("-d", "--name", name), "sleep", "1000").ok();
        podman.podman("kill", "--signal", "KILL", name).ok();
        assertEquals("137", podman.podman("wait", name).ok().stdout().strip());
        podman.podman("rm", name).ok();
    }

    @Test
    void pauseFreezesAndUnpauseThaws() {
        String name = name();
        podman.run(runtime(), List.of("-d", "--name", name), "sleep", "1000").ok();
        try {
            podman.podman("pause", name).ok();
            assertEquals("paused", podman.podman("inspect", "--format", "{{.State.Status}}", name).ok().stdout().strip());
            podman.podman("unpause", name).ok();
            assertEquals("running", podman.podman("inspect", "--format", "{{.State.Status}}", name).ok().stdout()
                    .strip());
        } finally {
            podman.podman("rm", "--force", "--time", "0", name);
        }
    }

    @Test
    void runItGivesTheContainerATerminal() {
        Tool.Result r = podman.runOnTerminal(runtime(), List.of("--rm", "-it"), "tty");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("/dev/pts/0"), r.stdout());
        assertEquals(4, podman.runOnTerminal(runtime(), List.of("--rm", "-it"), "sh", "-c", "'exit 4'").exit());
    }
}
