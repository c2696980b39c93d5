package dev.panamax.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.BusyboxTest;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.RunOptions;
import dev.panamax.RunResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bundle {@code runc spec} writes, with the busybox rootfs, runs {@code echo hi} under Panamax. */
@Tag("kernel")
class RuncSpecLaunchTest extends BusyboxTest {

    /** Writes {@code runc spec ARGS} into {@code bundle} with the busybox root and {@code sh -c script}. */
    private static OciConfig bundle(Path bundle, String script, String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/runc")) || Files.isExecutable(Path.of("/usr/sbin/runc")),
                "runc is not installed (.ci/deps installs the Debian package runc)");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("runc", "spec"));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).directory(bundle.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "runc spec: " + output);
        ObjectNode config = (ObjectNode) Configs.JSON.readTree(bundle.resolve("config.json").toFile());
        Configs.at(config, "root").put("path", root.path().toString());
        ObjectNode process = Configs.at(config, "process");
        process.put("terminal", false);
        process.set("args", Configs.JSON.createArrayNode().add("sh").add("-c").add(script));
        return OciConfig.parse(Configs.bytes(config));
    }

    private static RunResult run(ContainerSpec spec) throws InterruptedException {
        RunResult r = Launcher.run(spec, RunOptions.builder().timeout(Duration.ofSeconds(20)).build());
        assertEquals(0, r.status().code(), r + " stderr: " + r.stderr().text());
        return r;
    }

    @Test
    void runcSpecBundleRunsEchoHi(@TempDir Path bundle) throws Exception {
        ContainerSpec spec = bundle(bundle, "echo hi; hostname; grep CapBnd /proc/self/status").toSpec(bundle);
        // bounding AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10)
        assertEquals("hi\nrunc\nCapBnd:\t0000000020000420\n", run(spec).stdout().text());
    }

    @Test
    void rootlessRuncSpecBundleRunsInItsUserNamespace(@TempDir Path bundle) throws Exception {
        ContainerSpec spec = bundle(bundle, "echo hi; cat /proc/self/uid_map; ls /sys/kernel >/dev/null && echo sys",
                "--rootless").toSpec(bundle);
        long hostUid = spec.users().uidMap().get(0).hostId(); // runc spec --rootless maps 0 to its own uid
        java.util.List<String> lines = run(spec).stdout().text().lines()
                .map(l -> l.trim().replaceAll("\\s+", " ")).toList();
        assertEquals(java.util.List.of("hi", "0 " + hostUid + " 1", "sys"), lines,
                "root in a one-uid user namespace, the host's /sys bound in");
    }
}
