package dev.panamax.mount;


import dev.panamax.spec.InvalidSpecException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The filesystem part of a container spec: extra mounts, the minimal /dev, a read-only root, masked and
 * read-only paths, and an ephemeral overlay root. Built through {@code ContainerSpec.Builder}, which fills in
 * the defaults; its own rules are checked here, the rules against the rest of the spec (a mount namespace, a
 * rootfs) by {@code ContainerSpec}.
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder()
 *     .ephemeralRoot(Path.of("/srv/images/alpine"))   // writes vanish at close()
 *     .readOnlyRoot(true)
 *     .mount(Mount.tmpfs("/tmp"))
 *     .command("sh").build();
 * spec.filesystem().maskedPaths();                     // the OCI defaults
 * }</pre>
 *
 * @param mounts        the extra mounts, in the order they are made (after /proc and /dev)
 * @param minimalDev    a tmpfs /dev with null, zero, full, random, urandom, tty, shm, pts and the usual links
 * @param readOnlyRoot  the root mount is made read-only once every mount is in place (submounts keep theirs)
 * @param maskedPaths   hidden: /dev/null over files, an empty read-only tmpfs over directories; missing ones skipped
 * @param readOnlyPaths bound onto themselves read-only; missing ones skipped
 * @param ephemeral     the rootfs is the top read-only layer of an overlay (over an image's further layers) whose
 *                      upper layer lives only as long as the container
 */
public record Filesystem(List<Mount> mounts, boolean minimalDev, boolean readOnlyRoot, List<String> maskedPaths,
                         List<String> readOnlyPaths, Optional<EphemeralRoot> ephemeral) {

    /** What runc and crun mask by default (OCI runtime-spec defaults). */
    public static final List<String> DEFAULT_MASKED_PATHS = List.of("/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware");

    /** What runc and crun make read-only by default. */
    public static final List<String> DEFAULT_READONLY_PATHS = List.of("/proc/asound", "/proc/bus", "/proc/fs",
            "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /**
     * Checks that no two mounts share a target, checks and resolves the mounts' host paths (now: see
     * {@link Mount.Bind} and {@link Mount.Overlay}), and normalizes the masked and read-only paths.
     *
     * @throws InvalidSpecException naming the field and the rule
     */
    public Filesystem {
        Set<String> seen = new HashSet<>();
        for (Mount m : mounts) {
            if (!seen.add(m.target())) {
                throw new InvalidSpecException("mounts", "conflicting mounts on " + m.target());
            }
        }
        mounts = mounts.stream().map(Filesystem::onHost).toList();
        maskedPaths = normalize("maskedPaths", maskedPaths);
        readOnlyPaths = normalize("readOnlyPaths", readOnlyPaths);
        Objects.requireNonNull(ephemeral, "ephemeral");
    }

    private static Mount onHost(Mount m) {
        return switch (m) {
            case Mount.Bind b -> b.onHost();
            case Mount.Overlay o -> o.onHost();
            default -> m;
        };
    }

    private static List<String> normalize(String field, List<String> paths) {
        List<String> out = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            out.add(Targets.normalize(field + "[" + i + "]", paths.get(i)));
        }
        return List.copyOf(out);
    }

    /** {@return no extra mounts, nothing masked: what a spec without a mount namespace gets} */
    public static Filesystem none() {
        return new Filesystem(List.of(), false, false, List.of(), List.of(), Optional.empty());
    }

    /**
     * The ephemeral root's layers: the rootfs is the top read-only layer, {@code lowerLayers} lie below it (an
     * image's), and a per-container upper layer takes the writes.
     *
     * @param keepUpperDir where the upper and work dirs go and stay after close (made absolute; a directory
     *                     if it exists); empty for a temporary dir that is deleted at close
     * @param lowerLayers  the read-only layers below the rootfs, bottom first, absolute (at most
     *                     {@value #MAX_LOWER_LAYERS}); empty for a plain ephemeral root
     * @param userXattr    the layers' overlay attributes are {@code user.overlay.*}: the overlay is mounted
     *                     with {@code userxattr} (layers unpacked without root)
     * @param pins         files, absolute, each launch holds a shared {@code flock(2)} on until the container is
     *                     closed ({@code ContainerImage.pins}: an image store spares the layers while they are held)
     */
    public record EphemeralRoot(Optional<Path> keepUpperDir, List<Path> lowerLayers, boolean userXattr,
                                List<Path> pins) {
        /** The most layers below the rootfs (one overlay stacks at most 500 read-only layers). */
        public static final int MAX_LOWER_LAYERS = 499;
        /** The longest layer path in bytes: fsconfig takes a string of at most 256 bytes, its NUL included. */
        public static final int MAX_LAYER_PATH = 255;

        /**
         * Makes {@code keepUpperDir} absolute and checks it and the layers.
         *
         * @throws InvalidSpecException when {@code keepUpperDir} exists and is not a directory, or a layer is
         *                              relative, holds {@code ,}, {@code :} or {@code \}, or there are too many
         */
        public EphemeralRoot {
            keepUpperDir = keepUpperDir.map(Path::toAbsolutePath);
            Path dir = keepUpperDir.orElse(null);
            if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new InvalidSpecException("keepUpperDir", "not a directory: " + dir);
            }
            lowerLayers = List.copyOf(lowerLayers);
            pins = List.copyOf(pins);
            for (int i = 0; i < pins.size(); i++) {
                if (!pins.get(i).isAbsolute()) {
                    throw new InvalidSpecException("image.pins[" + i + "]", "must be absolute: " + pins.get(i));
                }
            }
            if (lowerLayers.size() > MAX_LOWER_LAYERS) {
                throw new InvalidSpecException("image.layers", lowerLayers.size() + 1
                        + " layers; one overlay stacks at most " + (MAX_LOWER_LAYERS + 1));
            }
            for (int i = 0; i < lowerLayers.size(); i++) {
                String layer = lowerLayers.get(i).toString();
                if (!lowerLayers.get(i).isAbsolute() || layer.indexOf(',') >= 0 || layer.indexOf(':') >= 0
                        || layer.indexOf('\\') >= 0) {
                    throw new InvalidSpecException("image.layers[" + i + "]",
                            "must be absolute, without ',', ':' or '\\': " + layer);
                }
                if (layer.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LAYER_PATH) {
                    throw new InvalidSpecException("image.layers[" + i + "]", "longer than " + MAX_LAYER_PATH
                            + " bytes, the most one fsconfig value holds: " + layer);
                }
            }
        }

        /**
         * An ephemeral root without pins.
         *
         * @param keepUpperDir where the upper and work dirs stay after close; empty for a temporary dir
         * @param lowerLayers  the read-only layers below the rootfs, bottom first
         * @param userXattr    the layers' overlay attributes are {@code user.overlay.*}
         * @throws InvalidSpecException as the canonical constructor
         */
        public EphemeralRoot(Optional<Path> keepUpperDir, List<Path> lowerLayers, boolean userXattr) {
            this(keepUpperDir, lowerLayers, userXattr, List.of());
        }

        /**
         * A plain ephemeral root: the rootfs is its only read-only layer.
         *
         * @param keepUpperDir where the upper and work dirs stay after close; empty for a temporary dir
         * @throws InvalidSpecException when {@code keepUpperDir} exists and is not a directory
         */
        public EphemeralRoot(Optional<Path> keepUpperDir) {
            this(keepUpperDir, List.of(), false);
        }
    }
}
