package dev.panamax;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The standard test fixture: a root filesystem made of Debian's static busybox (package busybox-static,
 * installed by .ci/deps) and a symlink per applet. Deleted by {@link #close()}.
 *
 * <pre>{@code
 * try (BusyboxRootfs root = BusyboxRootfs.create()) { ... root.path() ... }
 * }</pre>
 */
public final class BusyboxRootfs implements AutoCloseable {
    public static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    private final Path dir;

    private BusyboxRootfs(Path dir) {
        this.dir = dir;
    }

    public static BusyboxRootfs create() {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: install busybox-static (bash .ci/deps does)");
        }
        try {
            Path dir = Files.createTempDirectory("panamax-rootfs-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String d : List.of("bin", "proc", "dev", "sys", "tmp", "etc", "root", "mnt")) {
                Files.createDirectories(dir.resolve(d));
            }
            Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.copy(BUSYBOX, dir.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
            for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
                if (!applet.isBlank() && !applet.equals("busybox")) {
                    Files.createSymbolicLink(dir.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
                }
            }
            list.waitFor();
            // a shell redirects background jobs' stdin from /dev/null; the launcher's own /dev may hide this one
            Process mknod = new ProcessBuilder("mknod", "-m", "666", dir.resolve("dev/null").toString(), "c", "1", "3")
                    .inheritIO().start();
            if (mknod.waitFor() != 0) {
                throw new IllegalStateException("mknod " + dir.resolve("dev/null") + " failed (needs root)");
            }
            Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
            Files.writeString(dir.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
            return new BusyboxRootfs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path path() {
        return dir;
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    /** Deletes a tree without following symlinks. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
