package dev.panamax.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ContainerImage;
import dev.panamax.sys.Linux;
import dev.panamax.sys.MountFlag;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A multi-layer image built with umoci from busybox-static files (deletions, an opaque directory, hard
 * links, symlinks, setuid), unpacked layer by layer with {@link LayerUnpacker} and stacked with a real
 * read-only overlay mount, shows the same tree as {@code umoci unpack} of the same layout: paths, types,
 * modes, owners, link targets, link counts, content hashes and file mtimes; so does the same image pushed by
 * skopeo to a real {@code docker-registry} and pulled by {@link ImageStore#pull}.
 */
@Tag("kernel")
class UmociParityTest {
    private static final Pattern DIGEST = Pattern.compile("\"digest\"\\s*:\\s*\"sha256:([0-9a-f]{64})\"");

    private Path base;
    private Path merged;
    private boolean mounted;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci")), "umoci is not installed (.ci/deps)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed");
        base = Files.createTempDirectory("pmx-umoci-");
        merged = Files.createDirectory(base.resolve("merged"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (mounted) {
            Linux.umount(merged, true);
        }
        if (base != null) {   // null when setUp skipped the test
            Trees.delete(base);
        }
    }

    @Test
    void stackedLayersShowWhatUmociUnpacks() throws Exception {
        Path layout = buildImage(true);
        List<Path> layers = new ArrayList<>();
        for (String digest : layerDigests(layout)) {
            Path dir = Files.createDirectory(base.resolve("layer" + layers.size()));
            try (InputStream in = Files.newInputStream(layout.resolve("blobs/sha256/" + digest))) {
                LayerUnpacker.unpack(in, "sha256:" + digest, dir, UnpackOptions.root());
            }
            layers.add(dir);
        }
        assertStackIsUmocis(layout, layers);
    }

    /**
     * The same image pushed by skopeo to a real {@code docker-registry} and pulled into a store: the layers of
     * {@code store.image(ref).root()}, stacked by a read-only overlay, show what umoci unpacks.
     */
    @Test
    void thePulledImageStacksToWhatUmociUnpacks() throws Exception {
        Path layout = buildImage(true);
        ContainerImage root;
        try (LocalRegistry registry = LocalRegistry.start(base.resolve("registry"), null, null)) {
            registry.push(layout, "img", "pmx/parity:1", null);
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/parity:1");
            ImageStore store = ImageStore.open(base.resolve("store"));
            ImageRecord image = store.pull(ref, RegistryClient.builder().build());
            assertEquals(layerDigests(layout), store.manifest(image).layers().stream().map(l -> l.digest().hex())
                    .toList(), "the layout's layers, as skopeo pushed them");
            root = store.image(ref).root();
        }
        assertFalse(root.userXattr(), "unpacked as root");
        assertStackIsUmocis(layout, root.layers());
    }

    /** Mounts the layers (bottom first) and compares the stack with umoci unpack of the layout. */
    private void assertStackIsUmocis(Path layout, List<Path> layers) throws Exception {
        assertEquals(3, layers.size());
        assertTrue(Files.exists(layers.get(1).resolve("etc/gone"), LinkOption.NOFOLLOW_LINKS),
                "layer 2 holds a whiteout for etc/gone");
        mount(layers, "");

        Map<String, String> ours = Trees.describe(merged, true);
        ours.remove(".");
        Map<String, String> theirs = reference(layout);
        assertEquals(render(theirs), render(ours));
        assertTrue(ours.size() > 15 && ours.containsKey("opaque/fresh") && ours.containsKey("etc/new"), render(ours));
        assertFalse(ours.containsKey("etc/gone"));
        assertFalse(ours.containsKey("opaque/old"));
        assertTrue(ours.get("data/hard").contains("links=2"), ours.get("data/hard"));
        assertTrue(ours.get("bin/suid").contains(" 4755 "), ours.get("bin/suid"));
        assertTrue(ours.get("data/file").contains(" 1234:0"), ours.get("data/file"));
    }

    /**
     * The same image unpacked by an unprivileged user (rootless options: whiteouts the user's own character devices
     * 0:0, {@code user.overlay.opaque}), stacked by an overlay mounted with {@code userxattr}: the same tree but for
     * the owners (the user's).
     */
    @Test
    void layersUnpackedRootlessStackWithUserxattr() throws Exception {
        dev.panamax.userns.AsUser.assumeUserXattrs(base); // layer 3's opaque directory
        Map<String, String> ours = rootlessParity(buildImage(true));
        assertFalse(ours.containsKey("opaque/old"));
    }

    /**
     * Its first two layers (files, then deletions: whiteouts only, no {@code user.*} attribute needed), unpacked
     * rootless and stacked with {@code userxattr}, also where the file system has no {@code user.*} attributes
     * (tmpfs before Linux 6.6, as in the 6.1 VM leg): the deleted files stay deleted on any kernel from 5.11.
     */
    @Test
    void whiteoutsUnpackedRootlessHideTheLowerFilesWithUserxattr() throws Exception {
        Map<String, String> ours = rootlessParity(buildImage(false));
        assertFalse(ours.containsKey("etc/app"));
        assertTrue(ours.containsKey("etc/new"), render(ours));
    }

    /** Unpacks the layout's layers as the unprivileged user, stacks them with {@code userxattr}, compares. */
    private Map<String, String> rootlessParity(Path layout) throws Exception {
        Files.setAttribute(base, "unix:mode", 0755); // the user reads the blobs and writes its directories
        run("chmod", "-R", "a+rX", layout.toString());
        List<Path> classPath = Fixtures.imageJars(Files.createDirectory(base.resolve("jars")));
        try (dev.panamax.userns.AsUser user = dev.panamax.userns.AsUser.create()) {
            List<Path> layers = new ArrayList<>();
            for (String digest : layerDigests(layout)) {
                Path dir = Files.createDirectory(base.resolve("layer" + layers.size()));
                user.own(dir);
                dev.panamax.userns.AsUser.Report r = user.run(List.of(), classPath, RootlessUnpackProbe.class,
                        Map.of(), layout.resolve("blobs/sha256/" + digest).toString(), "sha256:" + digest,
                        dir.toString());
                assertEquals(List.of(), r.lines("error"), r.raw());
                assertEquals(1, r.lines("out").size(), r.raw());
                layers.add(dir);
            }
            Path gone = layers.get(1).resolve("etc/gone");
            assertTrue(Trees.isWhiteout(gone), "layer 2 holds a whiteout for etc/gone, a character device 0:0");
            assertEquals((int) user.uid(), Files.getAttribute(gone, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    "made by the user");
            mount(layers, ",userxattr");
            Map<String, String> ours = ownersRemoved(Trees.describe(merged, true));
            assertEquals(render(ownersRemoved(reference(layout))), render(ours));
            assertFalse(ours.containsKey("etc/gone"));
            return ours;
        }
    }

    private void mount(List<Path> layers, String options) {
        String lower = layers.reversed().stream().map(Path::toString).collect(Collectors.joining(":"));
        Linux.mount("overlay", merged, "overlay", EnumSet.of(MountFlag.RDONLY), "lowerdir=" + lower + options);
        mounted = true;
    }

    /** What umoci unpack makes of the layout, the root directory itself left out. */
    private Map<String, String> reference(Path layout) throws Exception {
        Path reference = base.resolve("reference");
        run("umoci", "unpack", "--image", layout + ":img", reference.toString());
        Map<String, String> theirs = Trees.describe(reference.resolve("rootfs"), true);
        theirs.remove(".");
        return theirs;
    }

    private static Map<String, String> ownersRemoved(Map<String, String> tree) {
        Map<String, String> out = new java.util.TreeMap<>();
        tree.forEach((k, v) -> {
            if (!k.equals(".")) {
                out.put(k, v.replaceAll(" \\d+:\\d+( |$)", "$1"));
            }
        });
        return out;
    }

    /** Three layers: busybox-static files, deletions, and one of the test's own with an opaque directory (if asked). */
    private Path buildImage(boolean opaqueLayer) throws Exception {
        Path layout = base.resolve("layout");
        String image = layout + ":img";
        run("umoci", "init", "--layout", layout.toString());
        run("umoci", "new", "--image", image);

        Path b1 = base.resolve("b1");
        run("umoci", "unpack", "--image", image, b1.toString());
        Path r = b1.resolve("rootfs");
        Files.createDirectories(r.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), r.resolve("bin/busybox"));
        Files.createSymbolicLink(r.resolve("bin/sh"), Path.of("busybox"));
        Files.createSymbolicLink(r.resolve("bin/ls"), Path.of("/bin/busybox"));
        Files.createDirectories(r.resolve("etc/app"));
        Files.writeString(r.resolve("etc/gone"), "deleted in layer 2\n");
        Files.writeString(r.resolve("etc/app/conf"), "a=1\n");
        Files.createDirectories(r.resolve("opaque/old"));
        Files.writeString(r.resolve("opaque/old/file"), "hidden by layer 3\n");
        Files.writeString(r.resolve("opaque/top"), "hidden by layer 3\n");
        Files.createDirectories(r.resolve("data"));
        Files.writeString(r.resolve("data/file"), "linked\n");
        Files.createLink(r.resolve("data/hard"), r.resolve("data/file"));
        Files.copy(Path.of("/bin/busybox"), r.resolve("bin/suid"));
        Files.setAttribute(r.resolve("bin/suid"), "unix:mode", 04755);
        Files.createDirectories(r.resolve("tmp"));
        Files.setAttribute(r.resolve("tmp"), "unix:mode", 01777);
        Files.setAttribute(r.resolve("data/file"), "unix:uid", 1234);
        run("umoci", "repack", "--image", image, b1.toString());

        Path b2 = base.resolve("b2");
        run("umoci", "unpack", "--image", image, b2.toString());
        r = b2.resolve("rootfs");
        Files.delete(r.resolve("etc/gone"));
        Files.delete(r.resolve("etc/app/conf"));
        Files.delete(r.resolve("etc/app"));
        Files.writeString(r.resolve("etc/new"), "added in layer 2\n");
        Files.delete(r.resolve("bin/sh"));
        Files.createSymbolicLink(r.resolve("bin/sh"), Path.of("/bin/busybox"));
        run("umoci", "repack", "--image", image, b2.toString());

        if (!opaqueLayer) {
            return layout;
        }
        Path layer3 = base.resolve("layer3.tar");
        Files.write(layer3, new TarBuilder().dir("opaque", 0755).file("opaque/.wh..wh..opq", 0644, "")
                .file("opaque/fresh", 0640, "only this\n").file("data/two", 0644, "2\n").hardLink("data/two-b",
                        "data/two").symlink("data/abs", "/etc/new").file("etc/.wh.nothing-below", 0644, "").tar());
        run("umoci", "raw", "add-layer", "--image", image, layer3.toString());

        return layout;
    }

    private static String render(Map<String, String> tree) {
        return tree.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("\n"));
    }

    /** The layer digests of the layout's one image, bottom first (index.json, then the manifest). */
    private static List<String> layerDigests(Path layout) throws IOException {
        Matcher index = DIGEST.matcher(Files.readString(layout.resolve("index.json")));
        assertTrue(index.find(), "index.json names a manifest");
        String manifest = Files.readString(layout.resolve("blobs/sha256/" + index.group(1)));
        Matcher m = DIGEST.matcher(manifest.substring(manifest.indexOf("\"layers\"")));
        List<String> digests = new ArrayList<>();
        while (m.find()) {
            digests.add(m.group(1));
        }
        return digests;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }
}
