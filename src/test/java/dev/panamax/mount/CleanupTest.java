package dev.panamax.mount;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.Launcher;
import dev.panamax.Leaks;
import dev.panamax.cgroup.DataSize;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many launches with every mount type leave the host's mount table exactly as it was. */
@Tag("kernel")
class CleanupTest {
    private static void launch(ContainerSpec spec, int i) throws InterruptedException {
        try (Container c = Launcher.launch(spec)) {
            ExitStatus s = c.waitFor(Duration.ofSeconds(20)).orElseThrow();
            assertTrue(s.exited() && s.code() == 0, "launch " + i + ": " + s);
        }
    }

    private static long layers() throws java.io.IOException {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("panamax-root-")).count();
        }
    }

    @Test
    void fiveHundredLaunchesWithEveryMountTypeLeaveNoMount() throws Exception {
        Path host = Files.createTempDirectory("panamax-cleanup-");
        try (BusyboxRootfs image = BusyboxRootfs.create()) {
            for (String d : List.of("data", "lower", "upper", "work")) {
                Files.createDirectories(host.resolve(d));
            }
            Files.writeString(host.resolve("file"), "f\n");
            ContainerSpec spec = ContainerSpec.builder().ephemeralRoot(image.path()).readOnlyRoot(true)
                    .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET,
                            Namespace.CGROUP)
                    .mount(Mount.bind(host.resolve("data"), "/data").asReadOnly())
                    .mount(Mount.bind(host.resolve("file"), "/etc/f"))
                    .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(1)))
                    .mount(Mount.sysfs()).mount(Mount.mqueue()).mount(Mount.cgroupView())
                    .mount(Mount.overlay(List.of(host.resolve("lower")), host.resolve("upper"), host.resolve("work"), "/ov"))
                    .mount(new Mount.Devpts("/mnt/pts"))
                    .command("true").build();
            String before = Box.hostMounts();
            launch(spec, -1); // warm up: the JVM opens its own files (modules, jars) on first use
            long layers = layers();
            Leaks leaks = Leaks.snapshot();
            for (int i = 0; i < 500; i++) {
                launch(spec, i);
            }
            assertEquals(before, Box.hostMounts());
            leaks.assertNothingNewIn(Leaks.snapshot());
            assertEquals(layers, layers(), "every ephemeral upper layer was deleted");
        } finally {
            BusyboxRootfs.deleteTree(host);
        }
    }
}
