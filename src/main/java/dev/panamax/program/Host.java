package dev.panamax.program;

import dev.panamax.Capability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;

/**
 * What the spec compiler needs to know about the machine it launches on, read once: with a {@code Host}
 * and an {@code Arch}, compiling a spec reads nothing else, so a test can compile a root plan while running
 * unprivileged, or the reverse.
 *
 * <pre>{@code
 * ChildProgram p = SpecCompiler.plan(spec, new Host(1000, 1000, 40), Arch.X86_64);
 * }</pre>
 *
 * @param euid        the launcher's effective uid (unsigned)
 * @param egid        the launcher's effective gid (unsigned)
 * @param capLastCap  the kernel's last capability ({@code /proc/sys/kernel/cap_last_cap})
 * @param kernelPaths what a masked path is: below a fresh proc or sysfs, what it is on the host (the same
 *                    kernel); in a rootfs, what the rootfs holds
 * @param kernel      the kernel's release (an image root of many layers is mounted in another form before
 *                    Linux 6.8: {@link OverlaySteps})
 */
public record Host(long euid, long egid, int capLastCap, KernelPaths kernelPaths, KernelRelease kernel) {

    public Host {
        if (euid < 0 || egid < 0 || capLastCap < 0) {
            throw new IllegalArgumentException("negative id or capability: " + euid + ", " + egid + ", " + capLastCap);
        }
        java.util.Objects.requireNonNull(kernelPaths, "kernelPaths");
        java.util.Objects.requireNonNull(kernel, "kernel");
    }

    /** A host whose kernel release is not known (taken as a recent kernel: {@link KernelRelease#UNKNOWN}). */
    public Host(long euid, long egid, int capLastCap, KernelPaths kernelPaths) {
        this(euid, egid, capLastCap, kernelPaths, KernelRelease.UNKNOWN);
    }

    /** A host whose kernel paths and release are not known. */
    public Host(long euid, long egid, int capLastCap) {
        this(euid, egid, capLastCap, KernelPaths.UNKNOWN);
    }

    /**
     * This host on another kernel release.
     *
     * @param release the release
     * @return the same ids and kernel paths with {@code release}
     */
    public Host withKernel(KernelRelease release) {
        return new Host(euid, egid, capLastCap, kernelPaths, release);
    }

    /** What a path is, for a mask: the one mount it needs, or a check that it is absent. */
    public enum PathKind {
        DIRECTORY, FILE, MISSING,
        /** not known before the launch: the child tries both a directory and a file mask */
        UNKNOWN
    }

    /**
     * What a masked path is, looked up on this machine before the launch: below {@code /proc} and {@code /sys}
     * as a fresh proc or sysfs shows it, or in a rootfs directory.
     */
    public interface KernelPaths {
        /** Nothing known. */
        KernelPaths UNKNOWN = new KernelPaths() {
            @Override
            public PathKind kind(String path) {
                return PathKind.UNKNOWN;
            }

            @Override
            public PathKind inRootfs(Path rootfs, String path) {
                return PathKind.UNKNOWN;
            }
        };

        /** What {@code path} ({@code /proc/...} or {@code /sys/...}) is. */
        PathKind kind(String path);

        /** What {@code path} (absolute, normalized) is below the host directory {@code rootfs}. */
        PathKind inRootfs(Path rootfs, String path);

        /**
         * This machine: each kernel path that exists looked at once, an absent one at every call (nothing is
         * known of a tree that is not a full proc or sysfs, such as a {@code subset=pid} proc, whose absent
         * paths a container's own may have); a rootfs
         * path at every call, each component without following a symlink (one is {@code UNKNOWN}: it may lead
         * out of the rootfs, and the child resolves it inside).
         */
        static KernelPaths ofThisMachine() {
            boolean fullProc = Files.exists(Path.of("/proc/sys/kernel"));
            boolean fullSys = Files.exists(Path.of("/sys/kernel"));
            java.util.Map<String, PathKind> seen = new java.util.concurrent.ConcurrentHashMap<>();
            return new KernelPaths() {
                @Override
                public PathKind kind(String path) {
                    if (!(path.startsWith("/proc/") && fullProc) && !(path.startsWith("/sys/") && fullSys)) {
                        return PathKind.UNKNOWN;
                    }
                    PathKind kind = seen.get(path);
                    if (kind == null) {
                        kind = look(Path.of(path));
                        // an absent path may appear (a module loads): looked at again, never predicted stale
                        if (kind != PathKind.MISSING && seen.size() < Memo.LIMIT) {
                            seen.put(path, kind);
                        }
                    }
                    return kind;
                }

                @Override
                public PathKind inRootfs(Path rootfs, String path) {
                    Path at = rootfs;
                    PathKind kind = PathKind.DIRECTORY;
                    for (String name : path.substring(1).split("/")) {
                        if (kind != PathKind.DIRECTORY) {
                            return kind == PathKind.FILE ? PathKind.UNKNOWN : kind; // below a file: ENOTDIR
                        }
                        at = at.resolve(name);
                        kind = look(at);
                    }
                    return kind;
                }
            };
        }
    }

    private static PathKind look(Path path) {
        try {
            // readAttributesIfExists: an absent path (most masked ones, looked at every launch) costs no exception
            BasicFileAttributes a = path.getFileSystem().provider().readAttributesIfExists(path,
                    BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a == null) {
                return PathKind.MISSING;
            }
            // a device: the host's own mask (/dev/null) over what its kernel shows as a file
            return a.isDirectory() ? PathKind.DIRECTORY : a.isSymbolicLink() ? PathKind.UNKNOWN : PathKind.FILE;
        } catch (IOException | RuntimeException e) {
            return PathKind.UNKNOWN;
        }
    }

    private static final class Current {
        static final Host HOST = current(Path.of("/proc/self/status"));

        // From /proc, not geteuid(2): building a spec (mapCurrentUserToRoot) and planning need no native access.
        private static Host current(Path status) {
            long euid = -1;
            long egid = -1;
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("Uid:")) {
                        euid = effective(line);
                    } else if (line.startsWith("Gid:")) {
                        egid = effective(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the JVM's effective ids from " + status, e);
            }
            return new Host(euid, egid, readLastCap(Path.of("/proc/sys/kernel/cap_last_cap")),
                    KernelPaths.ofThisMachine(), KernelRelease.running());
        }

        /** The second field of {@code Uid:} or {@code Gid:} (real, effective, saved, filesystem). */
        private static long effective(String line) {
            return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
        }
    }

    /**
     * This machine and this JVM's ids (effective uid and gid from {@code /proc/self/status}) and its kernel's
     * release, read on first use.
     */
    public static Host current() {
        KernelRelease stand = standIn;
        return stand == null ? Current.HOST : Current.HOST.withKernel(stand);
    }

    /** The release a kernel test has {@link #current()} answer instead of this machine's, or null. */
    private static volatile KernelRelease standIn;

    /**
     * Test seam: {@link #current()} answers {@code release} (null: this machine's again), so that a kernel
     * test on a recent kernel launches what an older one gets ({@code OverlayMountDataTest}).
     */
    static void standInKernel(KernelRelease release) {
        standIn = release;
    }

    /** Whether the launcher runs as root. */
    public boolean root() {
        return euid == 0;
    }

    /** {@code /proc/sys/kernel/cap_last_cap}, or the enum's last if it cannot be read. */
    private static int readLastCap(Path file) {
        try {
            // Files.readString returns "4" for this file on JDK 25 (a short first read of a sysctl file)
            return Integer.parseInt(Files.readAllLines(file).getFirst().strip());
        } catch (IOException | RuntimeException e) {
            return Capability.LAST.number();
        }
    }
}
