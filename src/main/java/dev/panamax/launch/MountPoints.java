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
 *
 * <p>Launches overlap, and two launches on one rootfs may note the same missing directory: the one that
 * fails must not remove it while the other is in flight or after the other succeeded (removing a directory
 * detaches the mounts on it in every mount namespace, so the other container would lose its mount). So each
 * noted path is counted while launches that noted it are in flight, a path a launch succeeded with is kept
 * for the JVM's life, and a failed launch removes only a path no other launch of this JVM holds or kept.
 * Launches from another process on the same rootfs are not seen.
 */
final class MountPoints {
    /** For each noted path: how many launches in flight noted it. */
    private static final java.util.Map<Path, Integer> IN_FLIGHT = new java.util.HashMap<>();
    /** The paths a launch succeeded with (the distinct mount points launched with; forgotten past {@link #KEPT_LIMIT}). */
    private static final java.util.Set<Path> KEPT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int KEPT_LIMIT = 4096;

    private final List<Path> missing;
    private boolean done;

    private MountPoints(List<Path> missing) {
        this.missing = missing;
    }

    /** The first missing directory of each mount target of {@code spec} under its rootfs. */
    static MountPoints before(ContainerSpec spec) {
        List<Path> missing = new ArrayList<>();
        // an ephemeral root gets its mount points in the overlay's upper layer: the host never sees them
        spec.rootfs().filter(root -> spec.filesystem().ephemeral().isEmpty()).ifPresent(root -> {
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
        synchronized (IN_FLIGHT) {
            missing.forEach(p -> IN_FLIGHT.merge(p, 1, Integer::sum));
        }
        return new MountPoints(missing);
    }

    /** After a successful launch: its mount points stay, and no failed launch of this JVM removes them. */
    void keep() {
        if (KEPT.size() > KEPT_LIMIT) {
            KEPT.clear(); // bounded: only a JVM that launched with thousands of new mount points forgets old ones
        }
        KEPT.addAll(missing);
        release();
    }

    private void release() {
        synchronized (IN_FLIGHT) {
            if (!done) {
                done = true;
                missing.forEach(p -> IN_FLIGHT.computeIfPresent(p, (k, n) -> n == 1 ? null : n - 1));
            }
        }
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
        synchronized (IN_FLIGHT) {
            try {
                for (Path top : missing) {
                    boolean ours = IN_FLIGHT.getOrDefault(top, 0) <= 1 && !KEPT.contains(top);
                    if (ours && Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS) && onlyDirectories(top)) {
                        removeTree(top);
                    }
                }
            } finally {
                release();
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
