package dev.panamax.mount;

import dev.panamax.BusyboxRootfs;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.Run;
import dev.panamax.cgroup.DataSize;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every mount type, seen from inside through /proc/self/mountinfo, and nothing of it on the host. */
@Tag("kernel")
class MountTypesTest {
    private BusyboxRootfs root;
    private Path host;

    @BeforeEach
    void setUp() throws Exception {
        root = BusyboxRootfs.create();
        host = Files.createTempDirectory("panamax-mounts-");
        Files.createDirectories(host.resolve("data"));
        Files.writeString(host.resolve("data/hello"), "hi\n");
        Files.writeString(host.resolve("file"), "a file\n");
        for (String d : List.of("lower", "upper", "work")) {
            Files.createDirectories(host.resolve(d));
        }
        Files.writeString(host.resolve("lower/below"), "from lower\n");
    }

    @AfterEach
    void tearDown() {
        root.close();
        BusyboxRootfs.deleteTree(host);
    }

    private static String line(String mountinfo, String target) {
        return Arrays.stream(mountinfo.split("\n")).filter(l -> l.split(" ")[4].equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError("no mount on " + target + " in\n" + mountinfo));
    }

    @Test
    void eachTypeAppearsInsideWithItsOptions() {
        String before = Box.hostMounts();
        ContainerSpec.Builder spec = ContainerSpec.builder().rootfs(root.path())
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET,
                        Namespace.CGROUP)
                .mount(Mount.bind(host.resolve("data"), "/srv/data").asReadOnly())
                .mount(Mount.bind(host.resolve("file"), "/etc/motd").withOptions(MountOption.NOEXEC))
                .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(4)).withMode(0700))
                .mount(Mount.sysfs())
                .mount(Mount.mqueue())
                .mount(Mount.cgroupView())
                .mount(Mount.overlay(List.of(host.resolve("lower")), host.resolve("upper"), host.resolve("work"), "/ov"));
        Run r = Box.run(spec, "cat /proc/self/mountinfo; echo ---; cat /srv/data/hello /etc/motd /ov/below;"
                + " touch /srv/data/x; echo made > /ov/new; echo tmp > /tmp/t && cat /tmp/t").ok();
        String[] parts = r.stdout().split("---\n");
        String inside = parts[0];
        assertTrue(line(inside, "/srv/data").contains(" ro,"), inside);
        assertTrue(line(inside, "/etc/motd").contains("noexec"), inside);
        String tmp = line(inside, "/tmp");
        assertTrue(tmp.contains("tmpfs") && tmp.contains("size=4096k") && tmp.contains("mode=700")
                && tmp.contains("nosuid,nodev"), tmp);
        assertTrue(line(inside, "/sys").matches(".* ro,nosuid,nodev,noexec.* - sysfs .*"), inside);
        assertTrue(line(inside, "/dev/mqueue").contains(" - mqueue "), inside);
        assertTrue(line(inside, "/sys/fs/cgroup").matches(".* ro,nosuid,nodev,noexec.* - cgroup2 .*"), inside);
        assertTrue(line(inside, "/ov").contains(" - overlay "), inside);
        assertTrue(line(inside, "/proc").matches(".* rw,nosuid,nodev,noexec.* - proc .*"), inside);
        assertTrue(line(inside, "/dev").matches(".* rw,nosuid.* - tmpfs .*mode=755.*"), inside);
        assertTrue(line(inside, "/dev/pts").contains("ptmxmode=666"), inside);
        assertTrue(line(inside, "/dev/shm").contains(" - tmpfs "), inside);
        assertTrue(parts[1].startsWith("hi\na file\nfrom lower\n"), parts[1]);
        assertTrue(parts[1].contains("Read-only file system"), "the read-only bind refused a write: " + parts[1]);
        assertTrue(parts[1].contains("tmp\n"), parts[1]);
        assertTrue(Files.exists(host.resolve("upper/new")), "overlay writes land in upper");
        assertFalse(Files.exists(host.resolve("data/x")));
        assertEquals(before, Box.hostMounts(), "the host's mount table is unchanged");
    }

    @Test
    void minimalDevHasTheNodesAndLinks() {
        Run r = Box.run(ContainerSpec.builder().rootfs(root.path()),
                "ls -l /dev | tail -n +2 | while read m l u g a b c d e f; do echo \"$m $f\"; done;"
                        + " echo x > /dev/null && head -c 4 /dev/zero | wc -c; readlink /dev/fd; readlink /dev/ptmx").ok();
        String out = r.stdout();
        for (String node : List.of("null", "zero", "full", "random", "urandom", "tty")) {
            assertTrue(out.contains("crw-rw-rw- " + node + "\n") || out.matches("(?s).*crw-rw-rw- [^\n]*" + node + "\n.*"),
                    node + " in\n" + out);
        }
        assertTrue(out.contains("/proc/self/fd\npts/ptmx"), out);
        assertTrue(out.contains("\n4\n"), out);
    }

    @Test
    void bindSourceSymlinkIsResolvedOnTheHost() throws Exception {
        Path link = Files.createSymbolicLink(host.resolve("link"), host.resolve("data"));
        Mount.Bind bind = Mount.bind(link, "/data");
        assertEquals(link, bind.source(), "kept as given until the spec is built");
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).mount(bind).command("true").build();
        assertEquals(host.resolve("data").toRealPath(), ((Mount.Bind) spec.filesystem().mounts().getFirst()).source());
        String plan = Launcher.plan(spec);
        assertTrue(plan.contains("open_tree(AT_FDCWD, \"" + host.resolve("data").toRealPath() + "\""), plan);
        assertEquals("hi\n", Box.run(ContainerSpec.builder().rootfs(root.path()).mount(bind), "cat /data/hello").ok().stdout());
    }
}
