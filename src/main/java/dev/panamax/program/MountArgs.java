package dev.panamax.program;

import dev.panamax.mount.MountOption;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Argument builders for the new mount API and openat2: the kernel structs, flag words, result labels. */
final class MountArgs {
    private MountArgs() {
    }

    /** The label of the rootfs's {@code O_PATH} descriptor. */
    static final String ROOT = "rootfd";

    static final Arg EMPTY = new Arg.CString("");
    static final Arg FDCWD = Arg.flags(Flags.AT_FDCWD);
    static final Arg MOVE_EMPTY_BOTH = Arg.flags(Flags.MOVE_MOUNT_F_EMPTY_PATH, Flags.MOVE_MOUNT_T_EMPTY_PATH);
    static final Arg MOVE_EMPTY_FROM = Arg.flags(Flags.MOVE_MOUNT_F_EMPTY_PATH);

    /** A label unique in the program: {@code name} and the index of the step that saves it. */
    static String label(Emit e, String name) {
        return name + "_" + e.out().size();
    }

    static Arg fd(String label) {
        return new Arg.Result(label);
    }

    /** {@code struct open_how} with {@code flags} and {@code resolve} (mode 0). */
    static Arg openHow(Flag flags, Flag resolve) {
        return Memo.of(OPEN_HOWS, List.of(flags, resolve), k -> Arg.Struct.perArch(
                arch -> KernelStructs.openHow(flags.value(arch), 0, resolve.value(arch)),
                "flags=" + flags.name() + ", resolve=" + resolve.name()));
    }

    /** The few {@code open_how} values programs use, each made once (an {@code Arg} is immutable). */
    private static final Map<List<Flag>, Arg> OPEN_HOWS = new ConcurrentHashMap<>();

    static final Arg OPEN_HOW_SIZE = new Arg.Word(Abi.SIZEOF_OPEN_HOW);

    /**
     * {@code struct mount_attr} (MOUNT_ATTR_SIZE_VER0): attr_set, attr_clr, propagation; no userns_fd. The
     * plan shows the fields that are set.
     */
    static Arg mountAttr(Flag set, Flag clr, Flag propagation) {
        return Memo.of(MOUNT_ATTRS, List.of(set, clr, propagation), k -> newMountAttr(set, clr, propagation));
    }

    /** The few {@code mount_attr} values programs use, each made once. */
    private static final Map<List<Flag>, Arg> MOUNT_ATTRS = new ConcurrentHashMap<>();

    private static Arg newMountAttr(Flag set, Flag clr, Flag propagation) {
        StringBuilder text = new StringBuilder();
        String[] fields = {"attr_set", "attr_clr", "propagation"};
        Flag[] values = {set, clr, propagation};
        for (int i = 0; i < fields.length; i++) {
            if ((values[i].x86_64() | values[i].aarch64()) != 0) {
                text.append(text.isEmpty() ? "" : ", ").append(fields[i]).append('=').append(values[i].name());
            }
        }
        return Arg.Struct.perArch(arch -> KernelStructs.mountAttr(set.value(arch), clr.value(arch),
                propagation.value(arch), 0), text.toString());
    }

    static final Arg MOUNT_ATTR_SIZE = Arg.flags(Flags.MOUNT_ATTR_SIZE_VER0);

    /** {@code options} as {@code MOUNT_ATTR_*} bits, in the enum's order: {@code MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID}. */
    static Flag attrs(Set<MountOption> options) {
        return Memo.of(ATTRS, Set.copyOf(options), o -> new Flag(MountOption.names(o), MountOption.attrs(o)));
    }

    /** The option sets programs use, each turned into a flag once. */
    private static final Map<Set<MountOption>, Flag> ATTRS = new ConcurrentHashMap<>();

    static int errno(String name) {
        return dev.panamax.sys.Errno.number(name);
    }
}
