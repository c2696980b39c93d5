package dev.panamax.image;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real images for the store's tests: OCI layouts made by umoci from busybox-static, tars by skopeo. */
final class Fixtures {
    private Fixtures() {
    }

    /** The names in a directory, sorted. */
    static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The store's own unpacker ({@link LayerUnpack#SECURE}) that then appends the layer's digest to {@code log}, so
     * tests count how often a layer was unpacked (across JVMs: appends are atomic).
     */
    static LayerUnpack logged(Path log) {
        return (layer, digest, target) -> {
            List<String> notes = LayerUnpack.SECURE.unpack(layer, digest, target);
            Files.writeString(log, digest + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return notes;
        };
    }

    /** Runs a command, failing with its output unless it exits 0; returns its output. */
    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": did not end");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Skips (saying why) unless the tools are installed. */
    static void assumeTools(String... tools) {
        for (String tool : tools) {
            boolean found = List.of("/usr/bin/", "/usr/sbin/", "/bin/").stream()
                    .anyMatch(d -> Files.isExecutable(Path.of(d + tool)));
            Assumptions.assumeTrue(found, tool + " is not installed (bash .ci/deps installs it)");
        }
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/bin/busybox")),
                "busybox-static is not installed (bash .ci/deps installs it)");
    }

    /**
     * An OCI layout {@code dir/layout} whose image {@code tag} holds busybox as {@code /bin/busybox} and
     * {@code /bin/sh}, with Cmd {@code /bin/sh}, Env {@code PATH=/bin}, WorkingDir {@code /srv} and a label.
     */
    static Path busyboxLayout(Path dir, String tag) throws IOException {
        assumeTools("umoci");
        Path layout = dir.resolve("layout");
        Path bundle = dir.resolve("bundle");
        String image = layout + ":" + tag;
        run("umoci", "init", "--layout", layout.toString());
        run("umoci", "new", "--image", image);
        run("umoci", "unpack", "--rootless", "--image", image, bundle.toString());
        Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/usr/bin/busybox"), bin.resolve("busybox"));
        Files.createSymbolicLink(bin.resolve("sh"), Path.of("busybox"));
        run("umoci", "repack", "--image", image, bundle.toString());
        run("umoci", "config", "--image", image, "--config.cmd", "/bin/sh", "--config.env", "PATH=/bin",
                "--config.workingdir", "/srv", "--config.label", "pmx.test=yes");
        StoreFiles.deleteTree(bundle);
        return layout;
    }

    /** The jars image support runs with: Jackson, Commons Compress (with commons-io, commons-lang3), aircompressor. */
    private static final List<String> IMAGE_JARS = List.of("jackson-databind-", "jackson-core-",
            "jackson-annotations-", "commons-compress-", "commons-io-", "commons-lang3-", "aircompressor-");

    /**
     * Copies image support's jars from this JVM's paths into {@code dir}, where an unprivileged user reads them (it
     * cannot read the local repository): the class path of a child JVM run as that user.
     */
    static List<Path> imageJars(Path dir) throws IOException {
        List<Path> copies = new java.util.ArrayList<>();
        String paths = System.getProperty("jdk.module.path", "") + ":" + System.getProperty("java.class.path", "");
        for (String entry : paths.split(":")) {
            String file = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
            if (file.endsWith(".jar") && IMAGE_JARS.stream().anyMatch(file::startsWith)
                    && !Files.exists(dir.resolve(file))) {
                copies.add(Files.copy(Path.of(entry), dir.resolve(file)));
            }
        }
        if (copies.size() != IMAGE_JARS.size()) {
            throw new IOException("image support's jars: found " + copies + ", want one of each " + IMAGE_JARS);
        }
        return copies;
    }

    /** {@code skopeo copy oci:LAYOUT:TAG DEST}, e.g. {@code docker-archive:X.tar:app:1}. */
    static void skopeoCopy(Path layout, String tag, String destination) throws IOException {
        assumeTools("skopeo");
        run("skopeo", "--insecure-policy", "copy", "-q", "oci:" + layout + ":" + tag, destination);
    }

    /** Adds two layers to an image of a layout: one with {@code /etc/motd} and {@code /etc/gone}, one deleting gone. */
    static void addLayers(Path dir, Path layout, String tag) throws IOException {
        String image = layout + ":" + tag;
        Path bundle = dir.resolve("bundle2");
        run("umoci", "unpack", "--rootless", "--image", image, bundle.toString());
        Files.createDirectories(bundle.resolve("rootfs/etc"));
        Files.writeString(bundle.resolve("rootfs/etc/motd"), "layer two\n");
        Files.writeString(bundle.resolve("rootfs/etc/gone"), "deleted in layer three\n");
        run("umoci", "repack", "--image", image, bundle.toString());
        StoreFiles.deleteTree(bundle);
        run("umoci", "unpack", "--rootless", "--image", image, bundle.toString());
        Files.delete(bundle.resolve("rootfs/etc/gone"));
        run("umoci", "repack", "--image", image, bundle.toString());
        StoreFiles.deleteTree(bundle);
    }

    /** Starts {@code main} of the test classes in a child JVM (with the image libraries), its stderr merged. */
    static Process childJvm(Class<?> main, String... args) throws IOException {
        return new ProcessBuilder(childJvmCommand(main, args)).redirectErrorStream(true).start();
    }

    /** The command line of {@link #childJvm} (with native access: the store's unpacker calls the kernel). */
    static List<String> childJvmCommand(Class<?> main, String... args) {
        String classPath = String.join(java.io.File.pathSeparator, dev.panamax.ChildJvm.classPath(),
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""));
        List<String> command = new java.util.ArrayList<>(List.of(dev.panamax.ChildJvm.java(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
