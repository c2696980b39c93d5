package dev.panamax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.mount.Mount;
import dev.panamax.spec.InvalidSpecException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host paths in a spec are looked at when the spec is built, not when the mount is made, and a relative one is
 * resolved against the JVM's working directory then (InvalidSpecException's javadoc).
 */
class HostPathsTest extends PlanTest {
    @TempDir
    Path host;

    private static ContainerSpec.Builder valid() {
        return ContainerSpec.builder().rootfs(rootfs).command("true");
    }

    /** {@code p} relative to the JVM's working directory. */
    private static Path relative(Path p) {
        return Path.of("").toAbsolutePath().relativize(p);
    }

    @Test
    void bindOfMissingHostPathFailsAtBuildNotWhenTheMountIsMade() {
        Path missing = host.resolve("missing");
        Mount bind = Mount.bind(missing, "/data");
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> valid().mount(bind).build());
        assertEquals("mount.source", e.field());
        assertEquals("mount.source: no such file or directory on the host: " + missing + " (bind onto /data)",
                e.getMessage());
    }

    @Test
    void bindSourceMadeAfterTheMountButBeforeBuildIsMountedByItsRealPath() throws Exception {
        Path later = host.resolve("later");
        Mount bind = Mount.bind(host.resolve("link"), "/data"); // a template: nothing exists yet
        Files.createDirectory(later);
        Files.createSymbolicLink(host.resolve("link"), later);
        ContainerSpec spec = valid().mount(bind).build();
        assertEquals(later.toRealPath(), ((Mount.Bind) spec.filesystem().mounts().getFirst()).source());
    }

    @Test
    void relativeHostPathsAreResolvedAgainstTheWorkingDirectoryWhenTheSpecIsBuilt() throws Exception {
        Path data = Files.createDirectory(host.resolve("data"));
        Path upper = Files.createDirectory(host.resolve("upper"));
        Path work = Files.createDirectory(host.resolve("work"));
        ContainerSpec spec = ContainerSpec.builder().rootfs(relative(rootfs)).command("true")
                .mount(Mount.bind(relative(data), "/data"))
                .mount(Mount.overlay(List.of(relative(data)), relative(upper), relative(work), "/o"))
                .stdout(Stdio.file(relative(host.resolve("out")))).build();
        assertEquals(rootfs.toAbsolutePath().normalize(), spec.rootfs().orElseThrow());
        assertEquals(data.toRealPath(), ((Mount.Bind) spec.filesystem().mounts().get(0)).source());
        Mount.Overlay overlay = (Mount.Overlay) spec.filesystem().mounts().get(1);
        for (Path p : List.of(overlay.lower().getFirst(), overlay.upper(), overlay.work())) {
            assertTrue(p.isAbsolute(), p.toString());
        }
        assertTrue(Files.isSameFile(upper, overlay.upper()));
        Path out = ((Stdio.File) spec.process().stdout()).path();
        assertEquals(host.resolve("out").toAbsolutePath(), out.normalize());
        assertTrue(out.isAbsolute(), "the launch opens " + out + " whatever the working directory is then");
    }

    @Test
    void overlayDirectoriesAreCheckedWhenTheSpecIsBuilt() {
        Path missing = host.resolve("missing");
        Mount overlay = Mount.overlay(List.of(missing), host, host, "/o");
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> valid().mount(overlay).build());
        assertEquals("mount.lower", e.field());
        assertTrue(e.getMessage().contains("not a directory on the host: " + missing), e.getMessage());
    }
}
