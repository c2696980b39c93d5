package dev.panamax;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Layer directories for the image root tests: a busybox rootfs as the bottom layer and a directory (mode 0755)
 * for the layers above it, both deleted at {@link #close()}; whiteouts are made as root makes them.
 *
 * <pre>{@code
 * try (LayerDirs dirs = LayerDirs.create("pmx-x-")) {
 *     Path top = Files.createDirectory(dirs.dir().resolve("top"));
 *     LayerDirs.write(top, "etc/motd", "top\n");
 * }
 * }</pre>
 */
public final class LayerDirs implements AutoCloseable {
    private final BusyboxRootfs busybox;
    private final Path dir;

    private LayerDirs(BusyboxRootfs busybox, Path dir) {
        this.busybox = busybox;
        this.dir = dir;
    }

    /** A busybox bottom layer and an empty directory named {@code prefix...} for more layers. */
    public static LayerDirs create(String prefix) throws IOException {
        BusyboxRootfs busybox = BusyboxRootfs.create();
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new LayerDirs(busybox, dir);
        } catch (IOException | RuntimeException e) {
            busybox.close();
            throw e;
        }
    }

    /** The bottom layer: a busybox rootfs. */
    public Path bottom() {
        return busybox.path();
    }

    /** The directory for the layers above the bottom one. */
    public Path dir() {
        return dir;
    }

    /** Writes {@code text} to {@code file} below {@code layer}, making its parent directories. */
    public static void write(Path layer, String file, String text) throws IOException {
        Path p = layer.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** An overlay whiteout at {@code at}: a 0:0 character device (mknod needs root). */
    public static void whiteout(Path at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mknod", at.toString(), "c", "0", "0").inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("mknod " + at + " exited with " + p.exitValue());
        }
    }

    @Override
    public void close() {
        BusyboxRootfs.deleteTree(dir);
        busybox.close();
    }
}
