package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.mount.Filesystem;
import dev.panamax.program.OverlaySteps;
import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.Flock;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The ephemeral root: the image directory as the read-only lower layer of an overlay, with an upper and a
 * work directory that the parent creates per launch (in a temporary directory deleted at close, or in the
 * directory the spec keeps). In the child the overlay is mounted over the image path inside the container's
 * own mount namespace, so the host never sees it and the rest of the program treats it as the rootfs. The
 * child finds a temporary directory through a descriptor ({@code ChildFds.layersDir}), so that its program
 * does not name it ({@link OverlaySteps}).
 *
 * <pre>{@code
 * int fd = OverlayRoot.prepare(spec, cleanup);   // the temporary directory's descriptor, or -1
 * }</pre>
 */
final class OverlayRoot {
    private OverlayRoot() {
    }

    /**
     * Creates the layers for one launch; a temporary one is deleted when {@code cleanup} runs. Returns the
     * temporary directory's descriptor ({@code O_PATH|O_DIRECTORY|O_CLOEXEC}, the caller closes it) when
     * {@link OverlaySteps#usesLayersDir} holds, else -1.
     */
    static int prepare(ContainerSpec spec, Cleanup cleanup) throws IOException {
        var eph = spec.filesystem().ephemeral();
        if (eph.isEmpty()) {
            return -1;
        }
        Path base;
        if (eph.get().keepUpperDir().isPresent()) {
            base = Files.createDirectories(eph.get().keepUpperDir().get());
        } else {
            base = Files.createTempDirectory("panamax-root-");
            cleanup.push("delete the ephemeral root's layers " + base, () -> deleteTree(base));
        }
        Files.createDirectories(base.resolve(OverlaySteps.UPPER));
        Files.createDirectories(base.resolve(OverlaySteps.WORK));
        return OverlaySteps.usesLayersDir(spec)
                ? Libc.open(base.toString(), Abi.O_PATH | Abi.O_DIRECTORY | Abi.O_CLOEXEC, 0) : -1;
    }

    /**
     * Takes a shared {@code flock(2)} on each of the root's pins ({@code EphemeralRoot.pins}, an image store's
     * layers), {@code O_RDONLY|O_CLOEXEC}: the setup program closes every descriptor it was not given, and exec
     * would close it anyway. They are released when {@code cleanup} runs: when the container is closed or the
     * launch fails. A store's prune holds a pin exclusively while it deletes that layer, so a launch waits for
     * it; a lower layer gone once every pin is held was pruned before, and is named.
     *
     * @throws LaunchException naming the pin and the call, or the layer
     */
    static void pin(ContainerSpec spec, Cleanup cleanup) {
        Filesystem.EphemeralRoot root = spec.filesystem().ephemeral().orElse(null);
        if (root == null || root.pins().isEmpty()) {
            return;
        }
        for (Path pin : root.pins()) {
            try {
                Flock held = Flock.shared(pin);
                cleanup.push("release the image layer pin " + pin, held::close);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.number("ENOENT")) { // prune deletes a layer's pin with the layer
                    throw FailureReport.refused(spec, "pin the image's layers", "open", "the pin " + pin
                            + " is missing: the image's store pruned its layer before this launch", e);
                }
                throw FailureReport.parentCall(spec, "pin the image's layer (" + pin + ")", e.call(), e.errno(), e);
            }
        }
        List<Path> layers = new ArrayList<>(root.lowerLayers());
        spec.rootfs().ifPresent(layers::add); // the top layer
        for (int i = 0; i < layers.size(); i++) {
            Path layer = layers.get(i);
            if (!Files.isDirectory(layer)) {
                throw FailureReport.refused(spec, "pin the image's layers", "stat", "image.layers[" + i + "] "
                        + layer + " is no longer a directory: its store pruned it before this launch pinned it");
            }
        }
    }

    /**
     * Deletes a tree without following symlinks. Overlay's work dir holds a mode-000 directory: root reads it
     * anyway; its owner (a rootless launch) makes it its own first.
     */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof java.nio.file.AccessDeniedException
                        && Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file,
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                    deleteTree(file);
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
