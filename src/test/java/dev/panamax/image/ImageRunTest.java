package dev.panamax.image;

import dev.panamax.Container;
import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.userns.AsUser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images from a real registry run as containers: a web server image (busybox httpd, two layers, built with umoci,
 * pushed with skopeo to Debian's docker-registry started by the test) is pulled, run from its Entrypoint and Cmd and
 * answers curl; the same registry serves an unprivileged user who pulls and runs an image in a store of its own.
 * Tagged {@code kernel}: root, docker-registry, skopeo, umoci, busybox-static, curl, util-linux's nsenter.
 */
@Tag("kernel")
class ImageRunTest {
    @TempDir
    Path dir;

    /** busybox in one layer, the site and the server's config (Entrypoint, Cmd, a port, a user) in another. */
    static Path webLayout(Path dir) throws IOException {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        Path bundle = dir.resolve("bundle");
        String image = layout + ":1.0";
        Fixtures.run("umoci", "unpack", "--rootless", "--image", image, bundle.toString());
        Path www = Files.createDirectories(bundle.resolve("rootfs/www"));
        Files.writeString(www.resolve("index.html"), "hello from an image\n");
        Files.createDirectories(bundle.resolve("rootfs/etc"));
        Files.writeString(bundle.resolve("rootfs/etc/passwd"), "root:x:0:0::/root:/bin/sh\nwww:x:33:33::/www:/bin/sh\n");
        Files.writeString(bundle.resolve("rootfs/etc/group"), "root:x:0:\nwww:x:33:\n");
        Fixtures.run("umoci", "repack", "--image", image, bundle.toString());
        Fixtures.run("umoci", "config", "--image", image, "--config.entrypoint", "/bin/busybox",
                "--config.entrypoint", "httpd", "--config.cmd", "-f", "--config.cmd", "-p", "--config.cmd", "8080",
                "--config.cmd", "-h", "--config.cmd", "/www", "--config.exposedports", "8080/tcp",
                "--config.user", "www", "--config.workingdir", "/www");
        StoreFiles.deleteTree(bundle);
        return layout;
    }

    @Test
    void aWebServerImagePulledFromARegistryRunsFromItsConfigAndAnswers() throws Exception {
        Fixtures.assumeTools("curl", "nsenter");
        Path layout = webLayout(dir.resolve("image"));
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", "pmx/web:1.0", null);
            ImageStore store = ImageStore.open(dir.resolve("store"));
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/web:1.0");
            store.pull(ref, RegistryClient.builder().build());
            Image web = store.image(ref);
            assertEquals(List.of("8080/tcp"), web.exposedPorts());
            ContainerImage root = web.root();
            assertEquals(2, root.layers().size());
            assertFalse(root.userXattr(), "pulled as root: whiteouts as the kernel's 0:0 devices");

            ContainerSpec spec = ContainerSpec.builder().image(root).init(true).build();   // pid 1 forwards SIGTERM
            assertEquals(List.of("/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"), spec.process().argv());
            try (Container c = Launcher.launch(spec)) {
                String answer = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!answer.equals("hello from an image\n") && System.nanoTime() < deadline) {
                    assertTrue(c.isAlive(), "the server is running");
                    answer = curl(c.pid(), "http://127.0.0.1:8080/");
                    Thread.sleep(50);
                }
                assertEquals("hello from an image\n", answer, "the server answers in the container's network");
                long server = c.toHandle().orElseThrow().children().findFirst().orElseThrow().pid();
                String status = Files.readString(Path.of("/proc/" + server + "/status"));
                assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+33\\s+33\\s+33\\s+33")),
                        "the server runs as the image's User www (uid 33): " + status);
                c.destroy();
                assertTrue(c.waitFor(Duration.ofSeconds(10)).isPresent(), "httpd ends at the SIGTERM the init forwards");
            }
        }
    }

    @Test
    void anUnprivilegedUserPullsAndRunsAnImageInAStoreOfItsOwn() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        Files.setAttribute(dir, "unix:mode", 0755);
        List<Path> jars = Fixtures.imageJars(Files.createDirectory(dir.resolve("jars")));
        Path store = Files.createDirectory(dir.resolve("store"));
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null);
             AsUser user = AsUser.create()) {
            registry.push(layout, "1.0", "pmx/app:1.0", null);
            user.own(store);
            AsUser.Report r = user.run(List.of(), jars, ImageRunProbe.class, Map.of(), store.toString(),
                    registry.address() + "/pmx/app:1.0");
            assertEquals(List.of("true", "0 0", "/srv"), r.lines("out"), r.raw());
            try (var files = Files.walk(store)) {
                assertTrue(files.allMatch(p -> owner(p) == user.uid()), "every file of the store is the user's");
            }
        }
    }

    private static long owner(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String curl(long pid, String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nsenter", "--net=/proc/" + pid + "/ns/net", "curl", "-s", "--max-time", "2",
                url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(5, TimeUnit.SECONDS);
        return out;
    }
}
