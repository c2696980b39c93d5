package dev.panamax.program;

import dev.panamax.mount.MountOption;
import dev.panamax.mount.Propagation;
import dev.panamax.sys.internal.Abi;

import java.util.Map;
import java.util.Set;

import static dev.panamax.program.Emit.NULL;
import static dev.panamax.program.MountArgs.EMPTY;
import static dev.panamax.program.MountArgs.fd;
import static dev.panamax.program.MountArgs.label;

/**
 * Mounts made through descriptors: a new filesystem ({@code fsopen}, {@code fsconfig}, {@code fsmount}), a
 * clone of a host tree ({@code open_tree}), their flags ({@code mount_setattr}), and attaching either onto a
 * target descriptor ({@code move_mount}). Nothing here resolves a container path.
 */
final class FsSteps {
    private FsSteps() {
    }

    /**
     * A detached mount of a new {@code type} filesystem; {@code config} values that are null are flags.
     * Returns the label of the mount descriptor.
     */
    static String create(Emit e, String type, Map<String, String> config, Set<MountOption> options, String forWhat) {
        String ctx = label(e, type + "_ctx");
        e.add(Step.of("open a " + type + " filesystem context for " + forWhat, "fsopen", new Arg.CString(type),
                new Arg.Word(Abi.FSOPEN_CLOEXEC, "FSOPEN_CLOEXEC")).savingAs(ctx));
        config.forEach((key, value) -> {
            if (value == null) {
                e.add(Step.of("set " + key + " on " + type + " for " + forWhat, "fsconfig", fd(ctx),
                        new Arg.Word(Abi.FSCONFIG_SET_FLAG, "FSCONFIG_SET_FLAG"), new Arg.CString(key), NULL,
                        new Arg.Word(0)));
            } else {
                e.add(Step.of("set " + key + "=" + value + " on " + type + " for " + forWhat, "fsconfig", fd(ctx),
                        new Arg.Word(Abi.FSCONFIG_SET_STRING, "FSCONFIG_SET_STRING"), new Arg.CString(key),
                        new Arg.CString(value), new Arg.Word(0)));
            }
        });
        e.add(Step.of("create the " + type + " filesystem for " + forWhat, "fsconfig", fd(ctx),
                new Arg.Word(Abi.FSCONFIG_CMD_CREATE, "FSCONFIG_CMD_CREATE"), NULL, NULL, new Arg.Word(0)));
        String mnt = label(e, type);
        e.add(Step.of("make a mount of the " + type + " filesystem for " + forWhat, "fsmount", fd(ctx),
                new Arg.Word(Abi.FSMOUNT_CLOEXEC, "FSMOUNT_CLOEXEC"),
                new Arg.Word(MountOption.attrs(options), MountOption.names(options))).savingAs(mnt)
                .hinting(type.equals("proc") ? Hints.procMount(e) : java.util.List.of()));
        return mnt;
    }

    /** A detached clone of the host's {@code source} tree (taken before pivot_root, so host paths). */
    static String cloneHost(Emit e, String source, boolean recursive, String forWhat) {
        String tree = label(e, "tree");
        long flags = Abi.OPEN_TREE_CLONE | Abi.OPEN_TREE_CLOEXEC | (recursive ? Abi.AT_RECURSIVE : 0);
        e.add(Step.of("clone the host's " + source + " for " + forWhat, "open_tree", MountArgs.FDCWD,
                new Arg.CString(source), new Arg.Word(flags, "OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC"
                        + (recursive ? "|AT_RECURSIVE" : ""))).savingAs(tree).hinting(Hints.lockedMount(e)));
        return tree;
    }

    /**
     * A detached clone of the mount (tree) a descriptor points to. {@code from} must lie in an attached mount
     * (a path found with {@link SafePath}): cloning a detached one, such as an {@code fsmount} descriptor, is
     * refused with EINVAL before Linux 6.15, so a step that needs several copies of a new filesystem
     * {@link #create}s each one.
     */
    static String cloneFd(Emit e, String from, boolean recursive, String what, Integer... tolerated) {
        String tree = label(e, "tree");
        long flags = Abi.OPEN_TREE_CLONE | Abi.OPEN_TREE_CLOEXEC | Abi.AT_EMPTY_PATH | (recursive ? Abi.AT_RECURSIVE : 0);
        e.add(Step.of(what, "open_tree", fd(from), EMPTY, new Arg.Word(flags,
                "OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_EMPTY_PATH" + (recursive ? "|AT_RECURSIVE" : "")))
                .savingAs(tree).tolerating(tolerated).hinting(Hints.lockedMount(e)));
        return tree;
    }

    /** Sets {@code options} on a (detached or attached) mount; atime options replace the current one. */
    static void setAttrs(Emit e, String mount, Set<MountOption> options, boolean recursive, String what,
                         Integer... tolerated) {
        long clr = options.stream().anyMatch(MountOption::isAtime) ? Abi.MOUNT_ATTR__ATIME : 0;
        e.add(Step.of(what, "mount_setattr", fd(mount), EMPTY, atFlags(recursive),
                MountArgs.mountAttr(MountOption.attrs(options), clr, 0, "attr_set=" + MountOption.names(options)
                        + (clr != 0 ? ", attr_clr=MOUNT_ATTR__ATIME" : "")), MountArgs.MOUNT_ATTR_SIZE)
                .tolerating(tolerated).hinting(Hints.lockedMount(e)));
    }

    static void setPropagation(Emit e, String mount, Propagation p, boolean recursive, String what) {
        e.add(Step.of(what, "mount_setattr", fd(mount), EMPTY, atFlags(recursive),
                MountArgs.mountAttr(0, 0, p.flag(), "propagation=MS_" + p.name()), MountArgs.MOUNT_ATTR_SIZE));
    }

    /** Attaches a detached mount onto the target descriptor. */
    static void attach(Emit e, String mount, String target, String what, Integer... tolerated) {
        e.add(Step.of(what, "move_mount", fd(mount), EMPTY, fd(target), EMPTY, MountArgs.MOVE_EMPTY_BOTH)
                .tolerating(tolerated).hinting(Hints.lockedMount(e)));
    }

    /** Attaches a detached mount at {@code name} below a directory descriptor we created ourselves. */
    static void attachBelow(Emit e, String mount, String dir, String name, String what) {
        e.add(Step.of(what, "move_mount", fd(mount), EMPTY, fd(dir), new Arg.CString(name),
                MountArgs.MOVE_EMPTY_FROM));
    }

    private static Arg atFlags(boolean recursive) {
        return recursive ? new Arg.Word(Abi.AT_EMPTY_PATH | Abi.AT_RECURSIVE, "AT_EMPTY_PATH|AT_RECURSIVE")
                : new Arg.Word(Abi.AT_EMPTY_PATH, "AT_EMPTY_PATH");
    }
}
