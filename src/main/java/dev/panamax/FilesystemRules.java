package dev.panamax;

import dev.panamax.mount.Filesystem;
import dev.panamax.mount.Mount;
import dev.panamax.program.Host;
import dev.panamax.program.OverlaySteps;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The filesystem part of a spec against the rest of it: the builder's {@link Draft} with the defaults (the
 * minimal /dev, the OCI masked and read-only paths), and the rules {@link ContainerSpec}'s constructor checks
 * (a mount namespace for any mount, a rootfs for a read-only or ephemeral root). {@link Filesystem} checks
 * its own fields.
 */
final class FilesystemRules {
    private FilesystemRules() {
    }

    /**
     * Checks {@code fs} against the namespaces, whether there is a rootfs and whether /proc is mounted.
     *
     * @throws InvalidSpecException naming the field and the rule
     */
    static void check(Set<Namespace> ns, boolean rootfs, boolean procMounted, Filesystem fs) {
        boolean mountNs = ns.contains(Namespace.MOUNT);
        if (procMounted && mountsOn(fs.mounts(), "/proc")) {
            throw new InvalidSpecException("mounts", "conflicting mounts on /proc (mountProc is on)");
        }
        require(procMounted, mountNs, "mountProc", "mounting /proc needs a mount namespace");
        for (Mount m : fs.mounts()) {
            if (m instanceof Mount.CgroupView && !ns.contains(Namespace.CGROUP)) {
                throw new InvalidSpecException("mounts", "the cgroup view on " + m.target()
                        + " needs a cgroup namespace (Namespace.CGROUP)");
            }
        }
        require(!fs.mounts().isEmpty(), mountNs, "mounts", "mounting needs a mount namespace");
        require(fs.readOnlyRoot(), rootfs, "readOnlyRoot", "needs a rootfs");
        require(fs.ephemeral().isPresent(), rootfs, "ephemeralRoot", "needs an image directory");
        require(fs.minimalDev(), rootfs && mountNs, "minimalDev", "needs a rootfs and a mount namespace");
        if (fs.minimalDev() && mountsOn(fs.mounts(), "/dev")) {
            throw new InvalidSpecException("mounts", "conflicting mounts on /dev (the minimal /dev is on)");
        }
        require(!fs.maskedPaths().isEmpty() || !fs.readOnlyPaths().isEmpty(), mountNs, "maskedPaths",
                "masking needs a mount namespace");
    }

    /**
     * The top read-only layer of an ephemeral root, the rootfs, must fit one fsconfig value as the layers
     * below it do ({@link Filesystem.EphemeralRoot#MAX_LAYER_PATH}); on this machine's kernel before Linux 6.8
     * an image's layers must fit one fsconfig value or one page of mount(2) options ({@link OverlaySteps#check}).
     *
     * @throws InvalidSpecException naming {@code ephemeralRoot}, or the image's top layer, or {@code image.layers}
     */
    static void checkTopLayer(Optional<Path> rootfs, Filesystem fs) {
        if (rootfs.isEmpty() || fs.ephemeral().isEmpty()) {
            return;
        }
        String top = rootfs.get().toString();
        int below = fs.ephemeral().get().lowerLayers().size();
        if (top.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Filesystem.EphemeralRoot.MAX_LAYER_PATH) {
            throw new InvalidSpecException(below == 0 ? "ephemeralRoot" : "image.layers[" + below + "]",
                    "longer than " + Filesystem.EphemeralRoot.MAX_LAYER_PATH
                            + " bytes, the most one fsconfig value holds: " + top);
        }
        if (below > 0) { // before Linux 6.8, many layers are mounted with mount(2): its options fit one page
            OverlaySteps.check(top, fs.ephemeral().get(), Host.current().kernel());
        }
    }

    /** True when a mount in {@code mounts} targets {@code target}. */
    static boolean mountsOn(List<Mount> mounts, String target) {
        return mounts.stream().anyMatch(m -> m.target().equals(target));
    }

    private static void require(boolean when, boolean rule, String field, String message) {
        if (when && !rule) {
            throw new InvalidSpecException(field, message);
        }
    }

    /** What the builder collected; {@link #build} applies the defaults. */
    static final class Draft {
        private final List<Mount> mounts = new ArrayList<>();
        private Boolean minimalDev;
        private boolean readOnlyRoot;
        private List<String> masked;
        private List<String> readOnly;
        private boolean ephemeral;
        private Path keepUpperDir;
        /** The read-only layers below the rootfs (an image's), bottom first. */
        private List<Path> lowerLayers = List.of();
        private boolean userXattr;
        /** Files each launch holds a shared flock on (an image store's layer pins). */
        private List<Path> pins = List.of();

        void mount(Mount m) {
            mounts.add(Objects.requireNonNull(m, "mount"));
        }

        void mounts(List<Mount> ms) {
            mounts.clear();
            ms.forEach(this::mount);
        }

        void minimalDev(boolean on) {
            minimalDev = on;
        }

        void readOnlyRoot(boolean on) {
            readOnlyRoot = on;
        }

        void maskedPaths(List<String> paths) {
            masked = List.copyOf(paths);
        }

        void readOnlyPaths(List<String> paths) {
            readOnly = List.copyOf(paths);
        }

        /** An ephemeral root over the rootfs alone. */
        void ephemeral() {
            ephemeral(List.of(), false, List.of());
        }

        /** An ephemeral root whose rootfs lies over {@code below} (bottom first), {@code held} pinned per launch. */
        void ephemeral(List<Path> below, boolean xattr, List<Path> held) {
            ephemeral = true;
            lowerLayers = List.copyOf(below);
            userXattr = xattr;
            pins = List.copyOf(held);
        }

        /** No ephemeral root (the rootfs is entered as it is). */
        void persistent() {
            ephemeral(List.of(), false, List.of());
            ephemeral = false;
        }

        void keepUpperDir(Path dir) {
            keepUpperDir = Objects.requireNonNull(dir, "keepUpperDir");
        }

        /** True when a mount in the list targets {@code target}. */
        boolean mounts(String target) {
            return mountsOn(mounts, target);
        }

        /** Takes every setting of an existing spec's filesystem, the defaults it got included. */
        void from(Filesystem fs) {
            mounts(fs.mounts());
            minimalDev = fs.minimalDev();
            readOnlyRoot = fs.readOnlyRoot();
            masked = fs.maskedPaths();
            readOnly = fs.readOnlyPaths();
            ephemeral = fs.ephemeral().isPresent();
            keepUpperDir = fs.ephemeral().flatMap(Filesystem.EphemeralRoot::keepUpperDir).orElse(null);
            lowerLayers = fs.ephemeral().map(Filesystem.EphemeralRoot::lowerLayers).orElse(List.of());
            userXattr = fs.ephemeral().map(Filesystem.EphemeralRoot::userXattr).orElse(false);
            pins = fs.ephemeral().map(Filesystem.EphemeralRoot::pins).orElse(List.of());
        }

        /**
         * The filesystem with the defaults for a spec with these namespaces, rootfs (or none) and /proc: the
         * minimal /dev with a rootfs and a mount namespace unless a mount is on /dev; the OCI masked and
         * read-only paths when /proc is mounted.
         */
        Filesystem build(Set<Namespace> ns, boolean rootfs, boolean procMounted) {
            if (keepUpperDir != null && !ephemeral) {
                throw new InvalidSpecException("keepUpperDir", "applies to an ephemeral root only");
            }
            boolean dev = minimalDev != null ? minimalDev : rootfs && ns.contains(Namespace.MOUNT) && !mounts("/dev");
            boolean procs = procMounted || mounts.stream().anyMatch(m -> m instanceof Mount.Proc);
            return new Filesystem(mounts, dev, readOnlyRoot,
                    masked != null ? masked : procs ? Filesystem.DEFAULT_MASKED_PATHS : List.of(),
                    readOnly != null ? readOnly : procs ? Filesystem.DEFAULT_READONLY_PATHS : List.of(),
                    ephemeral ? Optional.of(new Filesystem.EphemeralRoot(Optional.ofNullable(keepUpperDir),
                            lowerLayers, userXattr, pins))
                            : Optional.empty());
        }
    }
}
