package dev.panamax.program;

import dev.panamax.mount.Filesystem;
import dev.panamax.mount.MountOption;

import java.util.EnumSet;
import java.util.Map;

import static dev.panamax.program.MountArgs.errno;

/**
 * Masked paths (an empty read-only tmpfs over a directory, the host's /dev/null over anything else) and
 * read-only paths (bound onto themselves, then read-only), as runc does. The child cannot branch, so each
 * masked path gets both attempts: the directory attempt opens with {@code O_DIRECTORY} (ENOTDIR or ENOENT
 * leave a negative descriptor, on which the mount fails with a tolerated EBADF); the file attempt then
 * finds either the file, or the directory already masked, where moving a file mount onto a directory fails
 * with a tolerated EINVAL (the kernel's answer to a type mismatch; the other arguments are fixed and valid). Paths are found inside the rootfs like mount targets ({@link SafePath#find}).
 */
final class MaskSteps {
    private MaskSteps() {
    }

    static void emit(Emit e) {
        Filesystem fs = e.spec().filesystem();
        for (String p : fs.maskedPaths()) {
            mask(e, p);
        }
        for (String p : fs.readOnlyPaths()) {
            readOnly(e, p);
        }
    }

    /**
     * One fresh empty tmpfs per masked directory: cloning one detached tmpfs for all of them
     * ({@code open_tree} of an {@code fsmount} descriptor) is refused with EINVAL before Linux 6.15.
     */
    private static void mask(Emit e, String p) {
        String dir = SafePath.find(e, p, true, "find " + p + " if it is a directory");
        String hide = FsSteps.create(e, "tmpfs", Map.of("mode", "0"), EnumSet.of(MountOption.RDONLY,
                MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC), "masking " + p);
        FsSteps.attach(e, hide, dir, "mask " + p + " (a directory) with the empty tmpfs", errno("EBADF"));
        String any = SafePath.find(e, p, false, "find " + p);
        String nul = FsSteps.cloneHost(e, "/dev/null", false, p);
        FsSteps.attach(e, nul, any, "mask " + p + " (a file) with /dev/null", errno("EBADF"), errno("EINVAL"));
    }

    private static void readOnly(Emit e, String p) {
        String at = SafePath.find(e, p, false, "find " + p + " to make it read-only");
        String tree = FsSteps.cloneFd(e, at, true, "bind " + p + " onto itself", errno("EBADF"));
        FsSteps.setAttrs(e, tree, EnumSet.of(MountOption.RDONLY, MountOption.NOSUID, MountOption.NODEV,
                MountOption.NOEXEC), true, "make the bind of " + p + " read-only", errno("EBADF"));
        FsSteps.attach(e, tree, at, "put the read-only " + p + " in place", errno("EBADF"));
    }
}
