package dev.panamax.mount;

import dev.panamax.InvalidSpecException;
import dev.panamax.sys.Namespace;

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
 * read-only paths, and an ephemeral overlay root. Built through {@code ContainerSpec.Builder}.
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
 * @param ephemeral     the rootfs is the lower layer of an overlay whose upper layer lives only as long as the container
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

    public Filesystem {
        mounts = List.copyOf(mounts);
        maskedPaths = List.copyOf(maskedPaths);
        readOnlyPaths = List.copyOf(readOnlyPaths);
        Objects.requireNonNull(ephemeral, "ephemeral");
    }

    /** No extra mounts, nothing masked: what a spec without a mount namespace gets. */
    public static Filesystem none() {
        return new Filesystem(List.of(), false, false, List.of(), List.of(), Optional.empty());
    }

    /**
     * The ephemeral root's layers.
     *
     * @param keepUpperDir where the upper and work dirs go and stay after close; empty for a temporary dir
     *                     that is deleted at close
     */
    public record EphemeralRoot(Optional<Path> keepUpperDir) {
        public EphemeralRoot {
            Objects.requireNonNull(keepUpperDir, "keepUpperDir");
        }
    }

    /** Collects the settings; {@link #build} checks them against the rest of the spec. */
    public static final class Builder {
        private final List<Mount> mounts = new ArrayList<>();
        private Boolean minimalDev;
        private boolean readOnlyRoot;
        private List<String> masked;
        private List<String> readOnly;
        private boolean ephemeral;
        private Path keepUpperDir;

        public void mount(Mount m) {
            mounts.add(Objects.requireNonNull(m, "mount"));
        }

        public void mounts(List<Mount> ms) {
            mounts.clear();
            ms.forEach(this::mount);
        }

        public void minimalDev(boolean on) {
            minimalDev = on;
        }

        public void readOnlyRoot(boolean on) {
            readOnlyRoot = on;
        }

        public void maskedPaths(List<String> paths) {
            masked = List.copyOf(paths);
        }

        public void readOnlyPaths(List<String> paths) {
            readOnly = List.copyOf(paths);
        }

        public void ephemeral() {
            ephemeral = true;
        }

        public void keepUpperDir(Path dir) {
            keepUpperDir = Objects.requireNonNull(dir, "keepUpperDir");
        }

        /** True when a mount in the list targets {@code target}. */
        public boolean mounts(String target) {
            return mounts.stream().anyMatch(m -> m.target().equals(target));
        }

        /**
         * Checks the settings against the namespaces, the rootfs and whether /proc is mounted.
         *
         * @throws InvalidSpecException naming the field and the rule
         */
        public Filesystem build(Set<Namespace> ns, Path rootfs, boolean procMounted) {
            boolean mountNs = ns.contains(Namespace.MOUNT);
            Set<String> seen = new HashSet<>();
            for (Mount m : mounts) {
                if (!seen.add(m.target())) {
                    throw new InvalidSpecException("mounts", "conflicting mounts on " + m.target());
                }
                if (m instanceof Mount.CgroupView && !ns.contains(Namespace.CGROUP)) {
                    throw new InvalidSpecException("mounts", "the cgroup view on " + m.target()
                            + " needs a cgroup namespace (Namespace.CGROUP)");
                }
            }
            require(!mounts.isEmpty(), mountNs, "mounts", "mounting needs a mount namespace");
            require(readOnlyRoot, rootfs != null, "readOnlyRoot", "needs a rootfs");
            require(ephemeral, rootfs != null, "ephemeralRoot", "needs an image directory");
            require(keepUpperDir != null, ephemeral, "keepUpperDir", "applies to an ephemeral root only");
            if (keepUpperDir != null && Files.exists(keepUpperDir) && !Files.isDirectory(keepUpperDir)) {
                throw new InvalidSpecException("keepUpperDir", "not a directory: " + keepUpperDir);
            }
            boolean dev = minimalDev != null ? minimalDev : rootfs != null && mountNs && !mounts("/dev");
            require(dev, rootfs != null && mountNs, "minimalDev", "needs a rootfs and a mount namespace");
            if (dev && mounts("/dev")) {
                throw new InvalidSpecException("mounts", "conflicting mounts on /dev (the minimal /dev is on)");
            }
            boolean procs = procMounted || mounts.stream().anyMatch(m -> m instanceof Mount.Proc);
            List<String> maskedList = paths("maskedPaths", masked, procs ? DEFAULT_MASKED_PATHS : List.of());
            List<String> readOnlyList = paths("readOnlyPaths", readOnly, procs ? DEFAULT_READONLY_PATHS : List.of());
            require(!maskedList.isEmpty() || !readOnlyList.isEmpty(), mountNs, "maskedPaths",
                    "masking needs a mount namespace");
            Optional<EphemeralRoot> eph = ephemeral
                    ? Optional.of(new EphemeralRoot(Optional.ofNullable(keepUpperDir).map(Path::toAbsolutePath)))
                    : Optional.empty();
            return new Filesystem(mounts, dev, readOnlyRoot, maskedList, readOnlyList, eph);
        }

        private static List<String> paths(String field, List<String> given, List<String> defaults) {
            if (given == null) {
                return defaults;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < given.size(); i++) {
                out.add(Targets.normalize(field + "[" + i + "]", given.get(i)));
            }
            return out;
        }

        private static void require(boolean when, boolean rule, String field, String message) {
            if (when && !rule) {
                throw new InvalidSpecException(field, message);
            }
        }
    }
}
