package dev.panamax.program;

import dev.panamax.sys.internal.Abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Argument builders for the new mount API and openat2: the kernel structs, flag words, result labels. */
final class MountArgs {
    private MountArgs() {
    }

    /** The label of the rootfs's {@code O_PATH} descriptor. */
    static final String ROOT = "rootfd";

    static final Arg EMPTY = new Arg.CString("");
    static final Arg FDCWD = new Arg.Word(Abi.AT_FDCWD, "AT_FDCWD");
    static final Arg MOVE_EMPTY_BOTH = new Arg.Word(Abi.MOVE_MOUNT_F_EMPTY_PATH | Abi.MOVE_MOUNT_T_EMPTY_PATH,
            "MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH");
    static final Arg MOVE_EMPTY_FROM = new Arg.Word(Abi.MOVE_MOUNT_F_EMPTY_PATH, "MOVE_MOUNT_F_EMPTY_PATH");

    /** A label unique in the program: {@code name} and the index of the step that saves it. */
    static String label(Emit e, String name) {
        return name + "_" + e.out().size();
    }

    static Arg fd(String label) {
        return new Arg.Result(label);
    }

    /** {@code struct open_how} (24 bytes): flags, mode, resolve. */
    static Arg openHow(long flags, String flagNames, long resolve, String resolveNames) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(flags).putLong(0).putLong(resolve);
        return new Arg.Struct(b.array(), "flags=" + flagNames + ", resolve=" + resolveNames);
    }

    static final Arg OPEN_HOW_SIZE = new Arg.Word(24);

    /** {@code struct mount_attr} (MOUNT_ATTR_SIZE_VER0, 32 bytes): attr_set, attr_clr, propagation, userns_fd. */
    static Arg mountAttr(long set, long clr, long propagation, String text) {
        ByteBuffer b = ByteBuffer.allocate(Abi.MOUNT_ATTR_SIZE_VER0).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(set).putLong(clr).putLong(propagation).putLong(0);
        return new Arg.Struct(b.array(), text);
    }

    static final Arg MOUNT_ATTR_SIZE = new Arg.Word(Abi.MOUNT_ATTR_SIZE_VER0, "MOUNT_ATTR_SIZE_VER0");

    static Arg octal(int mode) {
        return new Arg.Word(mode, "0" + Integer.toOctalString(mode));
    }

    static int errno(String name) {
        return dev.panamax.sys.Errno.number(name);
    }
}
