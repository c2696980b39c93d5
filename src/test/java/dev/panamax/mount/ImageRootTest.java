package dev.panamax.mount;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Container;
import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.LayerDirs;
import dev.panamax.Launcher;
import dev.panamax.ProcessIdentity;
import dev.panamax.Run;
import dev.panamax.Stdio;
import dev.panamax.sys.BeneathDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Containers whose root is an overlay of an image's layers ({@code ContainerSpec.Builder.image}), on layer
 * directories this test makes: busybox at the bottom, whiteouts as root writes them (a 0:0 character device,
 * {@code trusted.overlay.opaque=y}).
 */
@Tag("kernel")
class ImageRootTest {
    private static LayerDirs fixture;
    private static Path layers;
    private static ContainerImage threeLayers;
    private Path keep;

    @BeforeAll
    static void image() throws Exception {
        fixture = LayerDirs.create("pmx-imgroot-");
        layers = fixture.dir();
        Path bottom = fixture.bottom();
        write(bottom, "etc/motd", "bottom\n");
        write(bottom, "data/kept", "kept\n");
        write(bottom, "data/deleted", "deleted\n");
        write(bottom, "opaque/old", "old\n");
        Path middle = Files.createDirectory(layers.resolve("middle"));
        write(middle, "etc/motd", "middle\n");
        write(middle, "opaque/new", "new\n");
        Files.createDirectories(middle.resolve("data"));
        try (BeneathDirectory opaque = BeneathDirectory.open(middle.resolve("opaque"))) {
            opaque.setXattr(".", "trusted.overlay.opaque", new byte[] {'y'});
        }
        whiteout(middle.resolve("data/deleted"));
        Path top = Files.createDirectory(layers.resolve("top"));
        write(top, "top", "top\n");
        threeLayers = image("pmx/three:1", List.of(bottom, middle, top), List.of("/bin/sh", "-c"), List.of("true"));
    }

    @AfterAll
    static void remove() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void keepDir() throws Exception {
        keep = layers.resolve("keep-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    @AfterEach
    void removeKeep() {
        BusyboxRootfs.deleteTree(keep);
    }

    static ContainerImage image(String name, List<Path> dirs, List<String> entrypoint, List<String> cmd) {
        return new ContainerImage(name, dirs, false, entrypoint, cmd, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** A tree's files and their contents, for "unchanged" checks. */
    private static String tree(Path dir) throws Exception {
        StringBuilder out = new StringBuilder();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                boolean file = Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                out.append(dir.relativize(p)).append(file ? "=" + java.util.Arrays.hashCode(Files.readAllBytes(p))
                        : "").append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void theContainerSeesTheMergedLayersAndItsWritesNeverReachALayer() throws Exception {
        List<String> before = new ArrayList<>();
        for (Path layer : threeLayers.layers()) {
            before.add(tree(layer));
        }
        String mounts = Box.hostMounts();
        Run r = Box.run(ContainerSpec.builder().image(threeLayers),
                "cat /etc/motd; ls /data; ls /opaque; cat /top; echo written > /new; echo changed > /etc/motd;"
                        + " rm /data/kept; cat /new /etc/motd; ls /data | wc -l");
        assertEquals("middle\nkept\nnew\ntop\nwritten\nchanged\n0\n", r.ok().stdout());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i), tree(threeLayers.layers().get(i)), "layer " + i + " is unchanged");
        }
        assertEquals(mounts, Box.hostMounts(), "the host's mount table is unchanged");
    }

    @Test
    void theUpperDirExistsWhileTheContainerRunsAndIsGoneAfterClose() throws Exception {
        String mine = "pmx-mine-" + System.nanoTime();
        ContainerSpec spec = ContainerSpec.builder().image(threeLayers)
                .args("echo " + mine + " > /mine; echo ready; read x").stdin(Stdio.pipe()).stdout(Stdio.pipe()).build();
        Path upper;
        try (Container c = Launcher.launch(spec)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            upper = upperDirHolding(mine);
            c.stdin().close();
            c.waitFor(Duration.ofSeconds(20)).orElseThrow();
        }
        assertFalse(Files.exists(upper.getParent()), "the upper and work dirs are deleted at close: " + upper);
    }

    @Test
    void twoRunningContainersOfOneImageSpecWriteToUpperDirsOfTheirOwn() throws Exception {
        // one spec for both: the second launch runs the first one's program template
        ContainerSpec spec = ContainerSpec.builder().image(threeLayers)
                .args("read v; echo $v > /mine; echo ready; read x").stdin(Stdio.pipe()).stdout(Stdio.pipe()).build();
        String[] tokens = {"pmx-a-" + System.nanoTime(), "pmx-b-" + System.nanoTime()};
        Path[] uppers = new Path[2];
        try (Container a = Launcher.launch(spec); Container b = Launcher.launch(spec)) {
            Container[] both = {a, b};
            for (int i = 0; i < 2; i++) {
                both[i].stdin().write((tokens[i] + "\n").getBytes(StandardCharsets.UTF_8));
                both[i].stdin().flush();
                BufferedReader out = new BufferedReader(new InputStreamReader(both[i].stdout(), StandardCharsets.UTF_8));
                assertEquals("ready", out.readLine());
            }
            uppers[0] = upperDirHolding(tokens[0]);
            uppers[1] = upperDirHolding(tokens[1]);
            assertFalse(uppers[0].equals(uppers[1]), "one upper dir each: " + uppers[0]);
            for (Container c : both) {
                c.stdin().close();
                c.waitFor(Duration.ofSeconds(20)).orElseThrow();
            }
        }
        for (Path upper : uppers) {
            assertFalse(Files.exists(upper.getParent()), "deleted at close: " + upper);
        }
    }

    @Test
    void aFailedLaunchOfAnImageRootLeavesNoLayersBehind() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().image(threeLayers).command("/pmx/no/such/command").build();
        for (int i = 0; i < 2; i++) { // the first launch compiles the program, the second uses its template
            java.util.Set<Path> before = tempLayers();
            assertThrows(dev.panamax.LaunchException.class, () -> Launcher.launch(spec).close());
            java.util.Set<Path> left = tempLayers();
            left.removeAll(before);
            assertTrue(left.stream().noneMatch(p -> Files.exists(p.resolve("upper"))), "left behind: " + left);
        }
    }

    /** The launches' temporary layer directories now. */
    private static java.util.Set<Path> tempLayers() throws java.io.IOException {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("panamax-root-"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    /**
     * The upper dir that holds {@code /mine} with {@code token}: the overlay's options name it relative to the
     * launch's directory ({@code upperdir=upper}), so it is found among the launches' temporary directories.
     */
    private static Path upperDirHolding(String token) throws Exception {
        List<Path> found = new ArrayList<>();
        for (Path dir : tempLayers()) {
            Path mine = dir.resolve("upper/mine");
            try {
                if (Files.readString(mine).equals(token + "\n")) {
                    found.add(mine.getParent());
                }
            } catch (java.io.IOException gone) {
                // another launch's directory, or one without the file
            }
        }
        assertEquals(1, found.size(), "one upper dir holds " + token + ": " + found);
        return found.getFirst();
    }

    @Test
    void keepUpperDirKeepsTheWritesForTheNextContainer() throws Exception {
        Box.run(ContainerSpec.builder().image(threeLayers).keepUpperDir(keep), "echo kept > /root/k").ok();
        assertEquals("kept\n", Files.readString(keep.resolve("upper/root/k")));
        assertEquals("kept\n", Box.run(ContainerSpec.builder().keepUpperDir(keep).image(threeLayers), "cat /root/k")
                .ok().stdout());
        assertFalse(Files.exists(layers.resolve("top/root")), "the top layer is not written");
    }

    @Test
    void twoContainersOfOneImageDoNotSeeEachOthersWrites() throws Exception {
        ContainerSpec a = ContainerSpec.builder().image(threeLayers)
                .args("echo a > /mine; echo ready; read x; o=$(ls /mine /theirs 2>&1); printf '%s\\n' \"$o\"")
                .stdin(Stdio.pipe()).stdout(Stdio.pipe()).build();
        try (Container first = Launcher.launch(a)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(first.stdout(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            Run second = Box.run(ContainerSpec.builder().image(threeLayers), "echo b > /theirs; ls /mine /theirs");
            first.stdin().write('\n');
            first.stdin().close();
            String firstOut = out.lines().reduce("", (x, y) -> x + y + "\n");
            first.waitFor(Duration.ofSeconds(20)).orElseThrow();
            assertTrue(second.stdout().contains("/mine: No such file") && second.stdout().contains("/theirs\n"),
                    second.stdout());
            assertTrue(firstOut.contains("/theirs: No such file") && firstOut.contains("/mine\n"), firstOut);
        }
    }

    /** Before Linux 6.8 such an image is refused at build() (see {@code OverlayMountDataTest}). */
    @Test
    void anImageOfManyLayersWithLongPathsLaunchesAndSeesItsBottomAndTopLayer() throws Exception {
        List<Path> dirs = new ArrayList<>();
        dirs.add(fixture.bottom());
        Path many = Files.createDirectory(layers.resolve("many"));
        for (int i = 1; i < 150; i++) {
            Path layer = Files.createDirectory(many.resolve(String.format("layer-%03d-", i) + "x".repeat(90)));
            write(layer, "layers/" + i, i + "\n");
            dirs.add(layer);
        }
        write(dirs.getLast(), "top-file", "from the top\n");
        write(fixture.bottom(), "bottom-file", "from the bottom\n");
        try {
            assertTrue(String.join(":", dirs.stream().map(Path::toString).toList()).length() > 4096);
            ContainerImage image = image("pmx/many:150", dirs, List.of(), List.of());
            if (!dev.panamax.program.Host.current().kernel().atLeast(6, 8)) {
                // no lowerdir+: mount(2) takes one page of options, which these layers exceed
                dev.panamax.spec.InvalidSpecException e = assertThrows(dev.panamax.spec.InvalidSpecException.class,
                        () -> ContainerSpec.builder().image(image).command("/bin/true").build());
                assertEquals("image.layers", e.field());
                assertTrue(e.getMessage().contains("150 layers"), e.getMessage());
                return;
            }
            Run r = Box.run(ContainerSpec.builder().image(image),
                    "cat /bottom-file /top-file /layers/1 /layers/149; ls /layers | wc -l");
            assertEquals("from the bottom\nfrom the top\n1\n149\n149\n", r.ok().stdout());
        } finally {
            Files.delete(fixture.bottom().resolve("bottom-file"));
            BusyboxRootfs.deleteTree(many);
        }
    }

    @Test
    void entrypointAndCmdRunArgsReplaceCmdAndCommandReplacesBoth() {
        ContainerImage echo = image("pmx/echo:1", List.of(fixture.bottom()),
                List.of("/bin/sh", "-c", "echo entry \"$0\""), List.of("cmd"));
        assertEquals("entry cmd\n", Run.of(ContainerSpec.builder().image(echo)).ok().stdout());
        assertEquals("entry given\n", Run.of(ContainerSpec.builder().image(echo).args("given")).ok().stdout());
        assertEquals("own\n", Run.of(ContainerSpec.builder().command("/bin/sh", "-c", "echo own").image(echo))
                .ok().stdout());
    }

    @Test
    void theImagesEnvironmentDirectoryAndUserApplyUnlessTheBuilderSetsThem() {
        ContainerImage image = new ContainerImage("pmx/defaults:1", List.of(fixture.bottom()), false,
                List.of("/bin/sh", "-c"),
                List.of("o=$(echo $A $B $PATH; pwd; id -u; id -g; id -G); printf '%s\\n' \"$o\""),
                List.of("A=image", "B=image", "PATH=/bin"), Optional.of("/etc"),
                Optional.of(new ProcessIdentity(65534, 65534, List.of(65534L, 7L))), Optional.empty());
        assertEquals("image builder /bin\n/etc\n65534\n65534\n65534 7\n",
                Run.of(ContainerSpec.builder().image(image).env("B", "builder")).ok().stdout());
        assertEquals("image image /bin\n/tmp\n0\n0\n0\n",
                Run.of(ContainerSpec.builder().image(image).workingDirectory("/tmp").user(0, 0)).ok().stdout());
    }

    @Test
    void destroySendsTheImagesStopSignal() throws Exception {
        ContainerImage image = new ContainerImage("pmx/stop:1", List.of(fixture.bottom()), false,
                List.of("/bin/sh", "-c"),
                List.of("trap 'echo got USR1; exit 3' USR1; echo ready; while :; do sleep 0.1; done"), List.of(),
                Optional.empty(), Optional.empty(), Optional.of(10));
        ContainerSpec spec = ContainerSpec.builder().image(image).stdout(Stdio.pipe()).build();
        assertEquals(10, spec.process().stopSignal());
        try (Container c = Launcher.launch(spec)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            c.destroy();
            Optional<ExitStatus> status = c.waitFor(Duration.ofSeconds(20));
            if (status.isEmpty()) {
                c.destroyForcibly();
                throw new AssertionError("destroy() did not send SIGUSR1: the container still runs");
            }
            assertTrue(status.get().exited() && status.get().code() == 3, status.get().toString());
            assertEquals("got USR1", out.readLine());
        }
    }
}
