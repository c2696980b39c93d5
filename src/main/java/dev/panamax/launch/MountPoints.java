package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.mount.Mount;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount points a launch will have to create in the user's rootfs (the child makes each missing
 * component with {@code mkdirat}), noted before the clone, so that a launch that fails removes them again
 * and leaves the rootfs as it found it. A successful launch keeps them, as runc does: the container's mounts
 * stand on them.
 *
 * <p>Only what did not exist is removed, and only while it holds nothing but empty directories: a path with
 * a symbolic link on the way is not followed (the child resolves it inside the rootfs, the host cannot tell
 * where it leads) and is left alone.
 */
final class MountPoints {
    private final List<Path> missing;

    private MountPoints(List<Path> missing) {
        this.missing = missing;
    }

    /** The first missing directory of each mount target of {@code spec} under its rootfs. */
    static MountPoints before(ContainerSpec spec) {
        List<Path> missing = new ArrayList<>();
        spec.rootfs().ifPresent(root -> {
            List<String> targets = new ArrayList<>();
            spec.filesystem().mounts().stream().map(Mount::target).forEach(targets::add);
            if (spec.mountProc()) {
                targets.add("/proc");
            }
            if (spec.filesystem().minimalDev()) {
                targets.add("/dev");
            }
            for (String target : targets) {
                firstMissing(root, target).ifPresent(missing::add);
            }
        });
        return new MountPoints(missing);
    }

    private static java.util.Optional<Path> firstMissing(Path root, String target) {
        Path at = root;
        for (Path name : Path.of(target.substring(1))) {
            at = at.resolve(name);
            if (Files.isSymbolicLink(at)) {
                return java.util.Optional.empty();
            }
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                return java.util.Optional.of(at);
            }
        }
        return java.util.Optional.empty();
    }

    /** After a failed launch: removes each noted directory that now exists and holds only empty directories. */
    void removeAfterFailure() throws IOException {
        for (Path top : missing) {
            if (Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS) && onlyDirectories(top)) {
                removeTree(top);
            }
        }
    }

    private static boolean onlyDirectories(Path dir) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (!Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) || !onlyDirectories(child)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void removeTree(Path dir) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                removeTree(child);
            }
        }
        Files.delete(dir);
    }
}
