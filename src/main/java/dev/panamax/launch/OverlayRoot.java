package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.mount.Filesystem;
import dev.panamax.sys.internal.Abi;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ephemeral root: the image directory as the read-only lower layer of an overlay, with an upper and a
 * work directory that the parent creates per launch (in a temporary directory deleted at close, or in the
 * directory the spec keeps). In the child the overlay is mounted over the image path inside the container's
 * own mount namespace, so the host never sees it and the rest of the program treats it as the rootfs.
 *
 * <pre>{@code
 * OverlayRoot.Layers layers = OverlayRoot.prepare(spec, cleanup);   // null without an ephemeral root
 * }</pre>
 */
final class OverlayRoot {
    private OverlayRoot() {
    }

    /** Host paths of the writable layers. */
    record Layers(String upper, String work) {
    }

    /** Creates the layers for one launch; a temporary one is deleted when {@code cleanup} runs. */
    static Layers prepare(ContainerSpec spec, Cleanup cleanup) throws IOException {
        var eph = spec.filesystem().ephemeral();
        if (eph.isEmpty()) {
            return null;
        }
        Path base;
        if (eph.get().keepUpperDir().isPresent()) {
            base = Files.createDirectories(eph.get().keepUpperDir().get());
        } else {
            base = Files.createTempDirectory("panamax-root-");
            cleanup.push("delete the ephemeral root's layers " + base, () -> deleteTree(base));
        }
        Path upper = Files.createDirectories(base.resolve("upper"));
        Path work = Files.createDirectories(base.resolve("work"));
        return new Layers(upper.toString(), work.toString());
    }

    /** The layers as a plan shows them (the temporary directory does not exist yet). */
    static Layers planned(ContainerSpec spec) {
        return spec.filesystem().ephemeral().map(Filesystem.EphemeralRoot::keepUpperDir)
                .map(keep -> keep.map(k -> new Layers(k.resolve("upper").toString(), k.resolve("work").toString()))
                        .orElse(new Layers("$TMPDIR/panamax-root-*/upper", "$TMPDIR/panamax-root-*/work")))
                .orElse(null);
    }

    /** The overlay over the image, before the rootfs bind. */
    static void emit(Emit e) {
        Layers layers = e.layers();
        if (layers == null || e.spec().rootfs().isEmpty()) {
            return;
        }
        String image = e.spec().rootfs().get().toString();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("lowerdir", image);
        config.put("upperdir", layers.upper());
        config.put("workdir", layers.work());
        String mnt = FsSteps.create(e, "overlay", config, Set.of(), "the ephemeral root");
        e.add(Step.of("put the ephemeral root over the image (in the container's mount namespace only)",
                "move_mount", MountArgs.fd(mnt), MountArgs.EMPTY, MountArgs.FDCWD, new Arg.CString(image),
                new Arg.Word(Abi.MOVE_MOUNT_F_EMPTY_PATH, "MOVE_MOUNT_F_EMPTY_PATH")));
    }

    /** Deletes a tree without following symlinks (overlay's work dir holds a mode-000 directory: root only). */
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
