package dev.panamax.image;

import dev.panamax.Container;
import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.Launcher;
import dev.panamax.Stdio;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ImageStore#prune()} spares the layers of a removed image while a container launched from it runs, in this
 * JVM or another, and removes them by the prune after the container is closed; the layers' pins are the
 * launcher's descriptors, never the container's. Tagged {@code kernel}: root, busybox-static.
 */
@Tag("kernel")
class ImagePinTest {
    private static final String REF = "pmx/pinned:1";

    @TempDir
    Path base;

    /** An image of two layers: busybox, then {@code /etc/motd}; stored (not yet unpacked) as {@link #REF}. */
    static ImageStore storeWithImage(Path root) throws IOException {
        Fixtures.assumeTools();
        ImageStore store = ImageStore.open(root);
        HandImage.store(store, REF, "{}",
                new TarBuilder().dir("bin", 0755).file("bin/busybox", 0755,
                        Files.readAllBytes(Path.of("/usr/bin/busybox"))).tar(),
                new TarBuilder().dir("etc", 0755).file("etc/motd", 0644, "pinned\n").tar());
        return store;
    }

    /** Prints ready, waits for a line, then prints the lower layer's file. */
    static ContainerSpec waiting(ContainerImage image) {
        return ContainerSpec.builder().image(image)
                .command("/bin/busybox", "sh", "-c", "echo ready; read x; /bin/busybox cat /etc/motd")
                .stdin(Stdio.pipe()).stdout(Stdio.pipe()).build();
    }

    @Test
    void pruneSparesTheLayersOfARunningContainerAndRemovesThemAfterItIsClosed() throws Exception {
        ImageStore store = storeWithImage(base.resolve("store"));
        ImageReference ref = ImageReference.parse(REF);
        ContainerImage image = store.image(ref).root();
        Path pins = store.root().resolve("pins");
        assertEquals(2, image.pins().size());
        assertTrue(image.pins().stream().allMatch(p -> p.getParent().equals(pins)), image.pins().toString());
        ContainerSpec spec = waiting(image);
        try (Container c = Launcher.launch(spec)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            assertEquals(image.pins().stream().sorted().toList(), descriptorsUnder(Path.of("/proc/self/fd"), pins),
                    "the launching JVM holds one descriptor per pin");
            assertEquals(List.of(), descriptorsUnder(Path.of("/proc/" + c.pid() + "/fd"), pins),
                    "the container holds none");

            assertTrue(store.remove(ref));
            PruneResult pruned = store.prune();
            assertEquals(new PruneResult(4, 0, 0, 2), pruned, "manifest, config and the layers' blobs go");
            assertEquals(2, Fixtures.names(store.root().resolve("layers")).size());
            c.stdin().write("\n".getBytes(StandardCharsets.UTF_8));
            c.stdin().flush();
            assertEquals("pinned", out.readLine(), "the container still reads its lower layer");
            assertTrue(c.waitFor(java.time.Duration.ofSeconds(10)).isPresent());
        }
        assertEquals(List.of(), descriptorsUnder(Path.of("/proc/self/fd"), pins), "closing released the pins");
        assertEquals(new PruneResult(0, 2, 0, 0), store.prune());
        for (String dir : List.of("layers", "forms", "pins")) {
            assertEquals(List.of(), Fixtures.names(store.root().resolve(dir)), dir);
        }

        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(spec).close());
        assertTrue(e.getMessage().contains("the pin " + image.pins().getFirst() + " is missing: the image's store "
                + "pruned its layer before this launch"), e.getMessage());
    }

    @Test
    void aContainerOfAnotherJvmKeepsItsLayersUntilItIsClosed() throws Exception {
        ImageStore store = storeWithImage(base.resolve("store"));
        store.image(ImageReference.parse(REF)); // unpacked here: the child JVM starts faster
        Process child = Fixtures.childJvm(PinProbe.class, store.root().toString(), REF);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("running", out.readLine(), "the child JVM launched its container");
            assertTrue(store.remove(ImageReference.parse(REF)));
            assertEquals(2, store.prune().layersInUse(), "the other JVM's container pins both layers");
            assertEquals(2, Fixtures.names(store.root().resolve("layers")).size());
            child.getOutputStream().close(); // the probe closes its container and ends
            assertEquals("pinned", out.readLine(), "its container read the lower layer after the prune");
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child JVM ends");
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(new PruneResult(0, 2, 0, 0), store.prune());
        assertEquals(List.of(), Fixtures.names(store.root().resolve("layers")));
    }

    /** The files under {@code dir} a process's descriptors ({@code /proc/PID/fd}) name, sorted. */
    static List<Path> descriptorsUnder(Path fds, Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (var list = Files.list(fds)) {
            for (Path fd : list.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir)) {
                        found.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // not open any more
                }
            }
        }
        return found.stream().sorted().toList();
    }
}
