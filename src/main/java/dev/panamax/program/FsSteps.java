package dev.panamax.program;

import dev.panamax.mount.MountOption;
import dev.panamax.mount.Propagation;
import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;

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

    private static final Arg FSOPEN_CLOEXEC = Arg.flags(Flags.FSOPEN_CLOEXEC);
    private static final Arg SET_FLAG = Arg.flags(Flags.FSCONFIG_SET_FLAG);
    private static final Arg SET_STRING = Arg.flags(Flags.FSCONFIG_SET_STRING);
    private static final Arg CMD_CREATE = Arg.flags(Flags.FSCONFIG_CMD_CREATE);
    private static final Arg FSMOUNT_CLOEXEC = Arg.flags(Flags.FSMOUNT_CLOEXEC);

    /**
     * A detached mount of a new {@code type} filesystem; {@code config} values that are null are flags.
     * Returns the label of the mount descriptor.
     */
    static String create(Emit e, String type, Map<String, String> config, Set<MountOption> options, String forWhat) {
        return create(e, type, config.entrySet().stream().map(c -> new Param(c.getKey(), c.getValue())).toList(),
                options, forWhat);
    }

    /** One {@code fsconfig} key and its value (null for a flag); a key may repeat ({@code lowerdir+}). */
    record Param(String key, String value) {
    }

    /** As above, with the parameters in order. */
    static String create(Emit e, String type, java.util.List<Param> config, Set<MountOption> options,
                         String forWhat) {
        String ctx = label(e, type + "_ctx");
        e.add(Step.of("open a " + type + " filesystem context for " + forWhat, "fsopen", new Arg.CString(type),
                FSOPEN_CLOEXEC).savingAs(ctx));
        config.forEach(param -> {
            String key = param.key();
            String value = param.value();
            if (value == null) {
                e.add(Step.of("set " + key + " on " + type + " for " + forWhat, "fsconfig", fd(ctx),
                        SET_FLAG, new Arg.CString(key), NULL,
                        new Arg.Word(0)));
            } else {
                e.add(Step.of("set " + key + "=" + value + " on " + type + " for " + forWhat, "fsconfig", fd(ctx),
                        SET_STRING, new Arg.CString(key),
                        new Arg.CString(value), new Arg.Word(0)));
            }
        });
        e.add(Step.of("create the " + type + " filesystem for " + forWhat, "fsconfig", fd(ctx),
                CMD_CREATE, NULL, NULL, new Arg.Word(0)));
        String mnt = label(e, type);
        e.add(Step.of("make a mount of the " + type + " filesystem for " + forWhat, "fsmount", fd(ctx),
                FSMOUNT_CLOEXEC, Arg.flags(MountArgs.attrs(options))).savingAs(mnt)
                .hinting(type.equals("proc") ? Hints.procMount(e) : java.util.List.of()));
        return mnt;
    }

    /** A detached clone of the host's {@code source} tree (taken before pivot_root, so host paths). */
    static String cloneHost(Emit e, String source, boolean recursive, String forWhat) {
        String tree = label(e, "tree");
        e.add(Step.of("clone the host's " + source + " for " + forWhat, "open_tree", MountArgs.FDCWD,
                new Arg.CString(source), Arg.flags(CLONE.orIf(recursive, Flags.AT_RECURSIVE))).savingAs(tree)
                .hinting(Hints.lockedMount(e)));
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
        e.add(Step.of(what, "open_tree", fd(from), EMPTY,
                Arg.flags(Flag.or(CLONE, Flags.AT_EMPTY_PATH).orIf(recursive, Flags.AT_RECURSIVE)))
                .savingAs(tree).tolerating(tolerated).hinting(Hints.lockedMount(e)));
        return tree;
    }

    /** Sets {@code options} on a (detached or attached) mount; atime options replace the current one. */
    static void setAttrs(Emit e, String mount, Set<MountOption> options, boolean recursive, String what,
                         Integer... tolerated) {
        Flag clr = options.stream().anyMatch(MountOption::isAtime) ? Flags.MOUNT_ATTR__ATIME : Flag.NONE;
        e.add(Step.of(what, "mount_setattr", fd(mount), EMPTY, atFlags(recursive),
                MountArgs.mountAttr(MountArgs.attrs(options), clr, Flag.NONE), MountArgs.MOUNT_ATTR_SIZE)
                .tolerating(tolerated).hinting(Hints.lockedMount(e)));
    }

    static void setPropagation(Emit e, String mount, Propagation p, boolean recursive, String what) {
        e.add(Step.of(what, "mount_setattr", fd(mount), EMPTY, atFlags(recursive),
                MountArgs.mountAttr(Flag.NONE, Flag.NONE, new Flag("MS_" + p.name(), p.flag())),
                MountArgs.MOUNT_ATTR_SIZE));
    }

    /** Attaches a detached mount onto the target descriptor. */
    static void attach(Emit e, String mount, String target, String what, Integer... tolerated) {
        attach(e, mount, target, what, java.util.List.of(), tolerated);
    }

    /** As above, with the step's own {@code hints} first. */
    static void attach(Emit e, String mount, String target, String what, java.util.List<Hint> hints,
                       Integer... tolerated) {
        e.add(Step.of(what, "move_mount", fd(mount), EMPTY, fd(target), EMPTY, MountArgs.MOVE_EMPTY_BOTH)
                .tolerating(tolerated).hinting(hints).hinting(Hints.lockedMount(e)));
    }

    /** Attaches a detached mount at {@code name} below a directory descriptor we created ourselves. */
    static void attachBelow(Emit e, String mount, String dir, String name, String what) {
        e.add(Step.of(what, "move_mount", fd(mount), EMPTY, fd(dir), new Arg.CString(name),
                MountArgs.MOVE_EMPTY_FROM));
    }

    /** A new, detached copy that closes on exec. */
    private static final Flag CLONE = Flag.or(Flags.OPEN_TREE_CLONE, Flags.OPEN_TREE_CLOEXEC);

    private static Arg atFlags(boolean recursive) {
        return Arg.flags(Flags.AT_EMPTY_PATH.orIf(recursive, Flags.AT_RECURSIVE));
    }
}
