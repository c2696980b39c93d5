package dev.panamax.program;

import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.LayerDirs;
import dev.panamax.LaunchException;
import dev.panamax.Launcher;
import dev.panamax.Run;
import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.panamax.LayerDirs.whiteout;
import static dev.panamax.LayerDirs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image root of many layers on a kernel without overlay's {@code lowerdir+} (before Linux 6.8): mounted
 * with {@code mount(2)} and one page of options. On a newer kernel {@link Host#standInKernel} has the launch
 * compiled as for Linux 6.1; on the 6.1 VM leg it is that kernel's own form.
 */
@Tag("kernel")
class OverlayMountDataTest {
    private static final KernelRelease DEBIAN_12 = KernelRelease.parse("6.1.0-27-amd64");
    private static LayerDirs fixture;
    private static Path layers;
    /** 30 layers: busybox at the bottom, 28 with long names, one with a top file; a whiteout in layer 15. */
    private static List<Path> dirs;

    @BeforeAll
    static void image() throws Exception {
        fixture = LayerDirs.create("pmx-mountdata-");
        layers = fixture.dir();
        dirs = new ArrayList<>(List.of(fixture.bottom()));
        write(fixture.bottom(), "bottom-file", "from the bottom\n");
        write(fixture.bottom(), "data/gone", "deleted in layer 15\n");
        write(fixture.bottom(), "data/kept", "kept\n");
        for (int i = 1; i < 30; i++) {
            Path layer = Files.createDirectory(layers.resolve(String.format("layer-%02d-", i) + "x".repeat(70)));
            write(layer, "layers/" + i, i + "\n");
            dirs.add(layer);
        }
        Files.createDirectories(dirs.get(15).resolve("data"));
        whiteout(dirs.get(15).resolve("data/gone"));
        write(dirs.getLast(), "top-file", "from the top\n");
    }

    @AfterAll
    static void remove() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void olderKernel() {
        Host.standInKernel(DEBIAN_12);
    }

    @AfterEach
    void thisKernel() {
        Host.standInKernel(null);
    }

    private static ContainerImage image(List<Path> layers) {
        return new ContainerImage("pmx/many:" + layers.size(), layers, false, List.of("/bin/true"), List.of(),
                List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void thirtyLayersWithLongPathsAreMountedWithMount2AndTheContainerSeesTopBottomAndTheWhiteout() {
        assertTrue(String.join(":", dirs.stream().map(Path::toString).toList()).length() > 2000,
                "far beyond one fsconfig value");
        ContainerSpec.Builder spec = ContainerSpec.builder().image(image(dirs)).command("/bin/sh", "-c",
                "cat /bottom-file /top-file /layers/1 /layers/29; ls /data; ls /layers | wc -l; echo w > /w; cat /w");
        String plan = Launcher.plan(spec.build());
        assertTrue(plan.contains("mount(\"overlay\", ") && plan.contains("with mount(2), as Linux " + DEBIAN_12),
                plan);
        assertFalse(plan.contains("\"lowerdir+\"") || plan.contains("fsopen(\"overlay\""), plan);
        Run r = Run.of(spec).ok();
        assertEquals("from the bottom\nfrom the top\n1\n29\nkept\n29\nw\n", r.stdout());
        assertFalse(Files.exists(dirs.getLast().resolve("w")), "the top layer is not written");
    }

    @Test
    void onThisMachinesKernelTheSameImageKeepsItsOwnForm() {
        Host.standInKernel(null);
        String plan = Launcher.plan(ContainerSpec.builder().image(image(dirs)).build());
        boolean lowerdirPlus = Host.current().kernel().atLeast(6, 8);
        assertEquals(lowerdirPlus, plan.contains("\"lowerdir+\""), plan);
        assertEquals(!lowerdirPlus, plan.contains("mount(\"overlay\", "), plan);
    }

    @Test
    void layersBeyondOnePageOfOptionsAreRefusedAtBuildNamingTheLayersTheBytesAndTheKernel() throws Exception {
        List<Path> many = new ArrayList<>(dirs);
        for (int i = 0; i < 20; i++) {
            many.addAll(dirs.subList(1, 2)); // the same layer again: the options only grow
        }
        int layerCount = many.size();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> ContainerSpec.builder().image(image(many)).build());
        assertEquals("image.layers", e.field());
        String m = e.getMessage();
        assertTrue(m.contains(layerCount + " layers") && m.contains("Linux " + DEBIAN_12) && m.contains("6.8+")
                && m.matches("(?s).*\\(\\d{4,} bytes with their NUL\\).*"), m);
    }

    @Test
    void aFailingMountNamesTheOverlayAndItsLayers() throws Exception {
        Path gone = Files.createDirectory(layers.resolve("gone-before-launch"));
        List<Path> withGone = new ArrayList<>(dirs);
        withGone.add(15, gone);
        ContainerSpec spec = ContainerSpec.builder().image(image(withGone)).build();
        Files.delete(gone);
        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(spec).close());
        assertEquals("mount", e.syscall());
        assertTrue(e.getMessage().contains("mount the overlay of the image root (31 layers)")
                && e.getMessage().contains(gone.toString()) && e.getMessage().contains("ENOENT"), e.getMessage());
    }
}
