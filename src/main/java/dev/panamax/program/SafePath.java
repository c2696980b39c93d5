package dev.panamax.program;

import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;

import java.util.List;

import static dev.panamax.program.MountArgs.fd;
import static dev.panamax.program.MountArgs.label;
import static dev.panamax.program.MountArgs.openHow;

/**
 * Resolves a mount target inside the untrusted rootfs, creating what is missing, and leaves an
 * {@code O_PATH} descriptor of it for {@code move_mount}. The rootfs may hold symlinks meant to redirect a
 * mount to the host ({@code /data -> /etc}, {@code /x -> ../../..}), and a host process may swap them in
 * while the container starts; so no step ever resolves a path from the host's root:
 * <ul>
 *   <li>each parent directory is opened with {@code openat2(rootfd, "a/b", RESOLVE_IN_ROOT |
 *       RESOLVE_NO_MAGICLINKS)}: symlinks are followed as the container would see them, but {@code ..} and
 *       absolute links stop at the rootfs, and {@code /proc/self/fd/N} links are refused;</li>
 *   <li>missing components are made with {@code mkdirat} relative to that descriptor ({@code EEXIST} is
 *       fine: the next open decides what the name really is);</li>
 *   <li>the last component is opened relative to its parent with {@code RESOLVE_NO_SYMLINKS}: a mount
 *       never lands on a symlink, so a target that is a symlink fails with {@code ELOOP}, clearly.</li>
 * </ul>
 * The mount then goes onto the descriptor, so a rename after the open cannot move it either.
 */
final class SafePath {
    private SafePath() {
    }

    /**
     * Labels of a resolved target.
     *
     * @param parent the descriptor of the target's parent directory
     * @param name   the target's last component
     * @param target the {@code O_PATH} descriptor of the target itself
     */
    record Resolved(String parent, String name, String target) {
    }

    /** Opens {@code target} (normalized, absolute) inside the rootfs; a directory, or else an empty file. */
    static Resolved resolve(Emit e, String target, boolean directory) {
        List<String> parts = List.of(target.substring(1).split("/"));
        String parent = MountArgs.ROOT;
        for (int i = 0; i < parts.size() - 1; i++) {
            String prefix = String.join("/", parts.subList(0, i + 1));
            mkdir(e, parent, parts.get(i), "/" + prefix, 0755);
            String next = label(e, "dir");
            e.add(Step.of("resolve /" + prefix + " inside the rootfs", "openat2", fd(MountArgs.ROOT),
                    new Arg.CString(prefix), openHow(pathFlags(true), IN_ROOT), MountArgs.OPEN_HOW_SIZE).savingAs(next));
            parent = next;
        }
        String name = parts.getLast();
        if (directory) {
            mkdir(e, parent, name, target, 0755);
        } else {
            // mknodat, not open(O_CREAT): an open writable descriptor would make a read-only root EBUSY
            e.add(Step.of("create the file " + target + " in the rootfs if missing", "mknodat", fd(parent),
                    new Arg.CString(name), Arg.flags(Flags.S_IFREG, Flag.octal(0644)), new Arg.Word(0))
                    .tolerating(MountArgs.errno("EEXIST")));
        }
        String at = label(e, "target");
        e.add(Step.of("open the mount target " + target + " (never a symlink)", "openat2", fd(parent),
                new Arg.CString(name), openHow(pathFlags(directory),
                        BENEATH_NO_SYMLINKS), MountArgs.OPEN_HOW_SIZE).savingAs(at)
                .hinting(Hints.mountTargetIsLink(target)));
        return new Resolved(parent, name, at);
    }

    /**
     * Opens an existing {@code path} inside the rootfs, following symlinks within it; a missing path (or one of
     * the wrong type) leaves a negative number in the label, and later steps on it fail with a tolerated EBADF.
     */
    static String find(Emit e, String path, boolean directory, String what) {
        String at = label(e, directory ? "dir" : "path");
        Step step = findStep(path, directory, what, at);
        e.add(directory ? step.tolerating(MountArgs.errno("ENOENT"), MountArgs.errno("ENOTDIR"))
                : step.tolerating(MountArgs.errno("ENOENT")));
        return at;
    }

    /** The open of {@link #find}, saved as {@code label}, tolerating nothing. */
    static Step findStep(String path, boolean directory, String what, String label) {
        return Step.of(what, "openat2", fd(MountArgs.ROOT), new Arg.CString(path.substring(1)),
                openHow(pathFlags(directory), IN_ROOT), MountArgs.OPEN_HOW_SIZE).savingAs(label);
    }

    /** Symlinks resolve inside the rootfs, never through /proc's magic links. */
    private static final Flag IN_ROOT = Flag.or(Flags.RESOLVE_IN_ROOT, Flags.RESOLVE_NO_MAGICLINKS);
    private static final Flag BENEATH_NO_SYMLINKS = Flag.or(Flags.RESOLVE_BENEATH, Flags.RESOLVE_NO_SYMLINKS);

    /** An {@code O_PATH} descriptor, of a directory or of anything. */
    private static Flag pathFlags(boolean directory) {
        return directory ? DIRECTORY_PATH : FILE_PATH;
    }

    private static final Flag DIRECTORY_PATH = Flag.or(Flags.O_PATH, Flags.O_DIRECTORY, Flags.O_CLOEXEC);
    private static final Flag FILE_PATH = Flag.or(Flags.O_PATH, Flags.O_CLOEXEC);

    private static void mkdir(Emit e, String parent, String name, String path, int mode) {
        e.add(Step.of("create " + path + " in the rootfs if missing", "mkdirat", fd(parent), new Arg.CString(name),
                Arg.octal(mode)).tolerating(MountArgs.errno("EEXIST")).hinting(Hints.mountPoint(path)));
    }
}
