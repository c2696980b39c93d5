package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.mount.Filesystem;
import dev.panamax.mount.Mount;
import dev.panamax.mount.MountOption;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static dev.panamax.program.MountArgs.errno;
import static dev.panamax.program.MountArgs.label;

/**
 * Masked paths (an empty read-only tmpfs over a directory, the host's /dev/null over anything else) and
 * read-only paths (bound onto themselves, then read-only), as runc does. Paths are found inside the rootfs
 * like mount targets ({@link SafePath#find}).
 *
 * <p>A path below the container's fresh proc or sysfs is what the same path on the host is (the same kernel),
 * and one on no mount is what the rootfs holds ({@link Host#kernelPaths}), so its mask is decided here and the
 * child makes only the mount it needs (an unattached mount costs an RCU grace period when its descriptor
 * closes). The child still checks the
 * prediction and fails if it does not hold, never skipping a mask: a predicted directory is opened with
 * {@code O_DIRECTORY} (a file there: ENOTDIR); a predicted file gets /dev/null, which the kernel refuses to
 * move onto a directory (EINVAL); a predicted absence is an open that must fail with ENOENT (a path that
 * exists fails the step: its result is a descriptor, never the expected -1). Any other path gets both
 * attempts: the directory attempt opens with {@code O_DIRECTORY} (ENOTDIR or ENOENT leave a negative
 * descriptor, on which the mount fails with a tolerated EBADF); the file attempt then finds either the file,
 * or the directory already masked, where moving a file mount onto a directory fails with a tolerated EINVAL.
 * Only a missing path is skipped, which has nothing to hide.
 */
final class MaskSteps {
    private MaskSteps() {
    }

    static void emit(Emit e) {
        Filesystem fs = e.spec().filesystem();
        List<Mount> mounts = fs.mounts();
        if (e.spec().mountProc()) {
            mounts = new ArrayList<>(mounts);
            mounts.addFirst(MountSteps.PROC);
        }
        for (String p : fs.maskedPaths()) {
            mask(e, p, predict(e, mounts, p));
        }
        for (String p : fs.readOnlyPaths()) {
            readOnly(e, p);
        }
    }

    /**
     * What {@code p} is in the container: if the last mount of the spec that holds it is a fresh proc or sysfs
     * (mounted in {@link MountSteps}' order: /proc first, then the spec's mounts), what the host's is; if no
     * mount holds it, what the rootfs holds (not below an ephemeral overlay, which the host does not see, nor
     * below the minimal /dev). Not known: a path the child makes or mounts on before its mask. {@code mounts}
     * are the container's in the order the child makes them.
     */
    static Host.PathKind predict(Emit e, List<Mount> mounts, String p) {
        ContainerSpec spec = e.spec();
        Mount holder = null;
        boolean madeByAMount = false; // a mount on p or below it: the child makes p's directories, or mounts on p
        for (Mount m : mounts) {
            holder = holds(m.target(), p) ? m : holder;
            madeByAMount |= m.target().equals(p) || holds(p, m.target());
        }
        if (madeByAMount || (spec.filesystem().minimalDev() && (p.equals("/dev") || holds(p, "/dev")))) {
            return Host.PathKind.UNKNOWN;
        }
        String below = holder == null ? null : p.substring(holder.target().length());
        return switch (holder) {
            case Mount.Proc ignored -> perProcess(below) ? Host.PathKind.UNKNOWN
                    : e.host().kernelPaths().kind("/proc" + below);
            case Mount.Sysfs ignored -> e.host().kernelPaths().kind("/sys" + below);
            case null -> spec.rootfs().isPresent() && spec.filesystem().ephemeral().isEmpty()
                    && !(spec.filesystem().minimalDev() && holds("/dev", p))
                    ? e.host().kernelPaths().inRootfs(spec.rootfs().get(), p) : Host.PathKind.UNKNOWN;
            default -> Host.PathKind.UNKNOWN;
        };
    }

    /** {@code /1/...}, {@code /self/...}: a process's, which the host and the container do not share. */
    private static boolean perProcess(String below) {
        int end = below.indexOf('/', 1);
        String first = below.substring(1, end < 0 ? below.length() : end);
        return first.equals("self") || first.equals("thread-self") || first.chars().allMatch(Character::isDigit);
    }

    /** Whether a mount on {@code target} holds {@code p} below it. */
    private static boolean holds(String target, String p) {
        return p.startsWith(target.endsWith("/") ? target : target + "/");
    }

    /**
     * One fresh empty tmpfs per masked directory: cloning one detached tmpfs for all of them
     * ({@code open_tree} of an {@code fsmount} descriptor) is refused with EINVAL before Linux 6.15.
     */
    private static void mask(Emit e, String p, Host.PathKind kind) {
        switch (kind) {
            case DIRECTORY -> {
                String dir = label(e, "dir");
                e.add(SafePath.findStep(p, true, "find " + p + " (a directory, as predicted)", dir)
                        .tolerating(errno("ENOENT")).hinting(Hints.maskedPathChanged(p)));
                emptyTmpfs(e, p, dir, List.of(), errno("EBADF"));
            }
            case FILE -> {
                String any = label(e, "path");
                e.add(SafePath.findStep(p, false, "find " + p + " (a file, as predicted)", any)
                        .tolerating(errno("ENOENT")));
                devNull(e, p, any, List.of(Hints.maskedPathChanged(p)), errno("EBADF"));
            }
            case MISSING -> e.add(SafePath.findStep(p, false, "check that " + p + " is absent, as predicted",
                    label(e, "path")).tolerating(errno("ENOENT")).expecting(-1));
            case UNKNOWN -> {
                String dir = SafePath.find(e, p, true, "find " + p + " if it is a directory");
                emptyTmpfs(e, p, dir, List.of(), errno("EBADF"));
                String any = SafePath.find(e, p, false, "find " + p);
                devNull(e, p, any, List.of(), errno("EBADF"), errno("EINVAL"));
            }
        }
    }

    private static void emptyTmpfs(Emit e, String p, String dir, List<Hint> hints, Integer... tolerated) {
        String hide = FsSteps.create(e, "tmpfs", Map.of("mode", "0"), EnumSet.of(MountOption.RDONLY,
                MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC), "masking " + p);
        FsSteps.attach(e, hide, dir, "mask " + p + " (a directory) with the empty tmpfs", hints, tolerated);
    }

    private static void devNull(Emit e, String p, String any, List<Hint> hints, Integer... tolerated) {
        String nul = FsSteps.cloneHost(e, "/dev/null", false, p);
        FsSteps.attach(e, nul, any, "mask " + p + " (a file) with /dev/null", hints, tolerated);
    }

    private static void readOnly(Emit e, String p) {
        String at = SafePath.find(e, p, false, "find " + p + " to make it read-only");
        String tree = FsSteps.cloneFd(e, at, true, "bind " + p + " onto itself", errno("EBADF"));
        FsSteps.setAttrs(e, tree, EnumSet.of(MountOption.RDONLY, MountOption.NOSUID, MountOption.NODEV,
                MountOption.NOEXEC), true, "make the bind of " + p + " read-only", errno("EBADF"));
        FsSteps.attach(e, tree, at, "put the read-only " + p + " in place", errno("EBADF"));
    }
}
