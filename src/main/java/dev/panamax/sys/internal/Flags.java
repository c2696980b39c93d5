package dev.panamax.sys.internal;

import dev.panamax.bindings.linux_h;

/**
 * The ABI values that child programs pass, each as a {@link Flag} that carries its C name, so that the plan
 * shows exactly what the kernel gets. Values are read from the bindings, per architecture where they differ
 * ({@link ArchConstants}); a test checks that every field's name is its flag's name and its values the bindings'.
 *
 * <pre>{@code
 * Flag flags = Flag.or(Flags.MS_REC, Flags.MS_PRIVATE);   // "MS_REC|MS_PRIVATE"
 * }</pre>
 */
public final class Flags {
    private Flags() {}

    /** A null pointer argument. */
    public static final Flag NULL = new Flag("NULL", 0);

    // open(2), openat2(2) and the *at(2) calls
    public static final Flag O_PATH = new Flag("O_PATH", linux_h.O_PATH());
    public static final Flag O_DIRECTORY = ArchConstants.O_DIRECTORY;
    public static final Flag O_CLOEXEC = new Flag("O_CLOEXEC", linux_h.O_CLOEXEC());
    public static final Flag O_WRONLY = new Flag("O_WRONLY", linux_h.O_WRONLY());
    public static final Flag AT_FDCWD = new Flag("AT_FDCWD", linux_h.AT_FDCWD());
    public static final Flag AT_EMPTY_PATH = new Flag("AT_EMPTY_PATH", linux_h.AT_EMPTY_PATH());
    public static final Flag AT_RECURSIVE = new Flag("AT_RECURSIVE", linux_h.AT_RECURSIVE());
    public static final Flag RESOLVE_IN_ROOT = new Flag("RESOLVE_IN_ROOT", linux_h.RESOLVE_IN_ROOT());
    public static final Flag RESOLVE_NO_MAGICLINKS = new Flag("RESOLVE_NO_MAGICLINKS", linux_h.RESOLVE_NO_MAGICLINKS());
    public static final Flag RESOLVE_BENEATH = new Flag("RESOLVE_BENEATH", linux_h.RESOLVE_BENEATH());
    public static final Flag RESOLVE_NO_SYMLINKS = new Flag("RESOLVE_NO_SYMLINKS", linux_h.RESOLVE_NO_SYMLINKS());
    public static final Flag F_SETFD = new Flag("F_SETFD", linux_h.F_SETFD());
    public static final Flag CLOSE_RANGE_CLOEXEC = new Flag("CLOSE_RANGE_CLOEXEC", linux_h.CLOSE_RANGE_CLOEXEC());

    // file types for mknodat(2)
    public static final Flag S_IFREG = new Flag("S_IFREG", linux_h.S_IFREG());
    public static final Flag S_IFCHR = new Flag("S_IFCHR", linux_h.S_IFCHR());
    public static final Flag S_IFIFO = new Flag("S_IFIFO", linux_h.S_IFIFO());

    // mount(2), umount2(2) and the new mount API
    public static final Flag MS_REC = new Flag("MS_REC", linux_h.MS_REC());
    public static final Flag MS_PRIVATE = new Flag("MS_PRIVATE", linux_h.MS_PRIVATE());
    public static final Flag MS_BIND = new Flag("MS_BIND", linux_h.MS_BIND());
    public static final Flag MNT_DETACH = new Flag("MNT_DETACH", linux_h.MNT_DETACH());
    public static final Flag FSOPEN_CLOEXEC = new Flag("FSOPEN_CLOEXEC", linux_h.FSOPEN_CLOEXEC());
    public static final Flag FSMOUNT_CLOEXEC = new Flag("FSMOUNT_CLOEXEC", linux_h.FSMOUNT_CLOEXEC());
    public static final Flag FSCONFIG_SET_STRING = new Flag("FSCONFIG_SET_STRING", linux_h.FSCONFIG_SET_STRING());
    public static final Flag FSCONFIG_SET_FLAG = new Flag("FSCONFIG_SET_FLAG", linux_h.FSCONFIG_SET_FLAG());
    public static final Flag FSCONFIG_CMD_CREATE = new Flag("FSCONFIG_CMD_CREATE", linux_h.FSCONFIG_CMD_CREATE());
    public static final Flag OPEN_TREE_CLONE = new Flag("OPEN_TREE_CLONE", linux_h.OPEN_TREE_CLONE());
    public static final Flag OPEN_TREE_CLOEXEC = new Flag("OPEN_TREE_CLOEXEC", linux_h.OPEN_TREE_CLOEXEC());
    public static final Flag MOVE_MOUNT_F_EMPTY_PATH = new Flag("MOVE_MOUNT_F_EMPTY_PATH", linux_h.MOVE_MOUNT_F_EMPTY_PATH());
    public static final Flag MOVE_MOUNT_T_EMPTY_PATH = new Flag("MOVE_MOUNT_T_EMPTY_PATH", linux_h.MOVE_MOUNT_T_EMPTY_PATH());
    public static final Flag MOUNT_ATTR_SIZE_VER0 = new Flag("MOUNT_ATTR_SIZE_VER0", linux_h.MOUNT_ATTR_SIZE_VER0());
    public static final Flag MOUNT_ATTR__ATIME = new Flag("MOUNT_ATTR__ATIME", linux_h.MOUNT_ATTR__ATIME());
    public static final Flag MOUNT_ATTR_NODEV = new Flag("MOUNT_ATTR_NODEV", linux_h.MOUNT_ATTR_NODEV());

    // prctl(2), capabilities and seccomp
    public static final Flag PR_SET_PDEATHSIG = new Flag("PR_SET_PDEATHSIG", linux_h.PR_SET_PDEATHSIG());
    public static final Flag PR_SET_NO_NEW_PRIVS = new Flag("PR_SET_NO_NEW_PRIVS", linux_h.PR_SET_NO_NEW_PRIVS());
    public static final Flag PR_SET_KEEPCAPS = new Flag("PR_SET_KEEPCAPS", linux_h.PR_SET_KEEPCAPS());
    public static final Flag PR_CAP_AMBIENT = new Flag("PR_CAP_AMBIENT", linux_h.PR_CAP_AMBIENT());
    public static final Flag PR_CAP_AMBIENT_RAISE = new Flag("PR_CAP_AMBIENT_RAISE", linux_h.PR_CAP_AMBIENT_RAISE());
    public static final Flag PR_CAP_AMBIENT_CLEAR_ALL = new Flag("PR_CAP_AMBIENT_CLEAR_ALL", linux_h.PR_CAP_AMBIENT_CLEAR_ALL());
    public static final Flag PR_CAPBSET_DROP = new Flag("PR_CAPBSET_DROP", linux_h.PR_CAPBSET_DROP());
    public static final Flag _LINUX_CAPABILITY_VERSION_3 = new Flag("_LINUX_CAPABILITY_VERSION_3", linux_h._LINUX_CAPABILITY_VERSION_3());
    public static final Flag SECCOMP_SET_MODE_FILTER = new Flag("SECCOMP_SET_MODE_FILTER", linux_h.SECCOMP_SET_MODE_FILTER());

    // signals
    public static final Flag SIGKILL = new Flag("SIGKILL", linux_h.SIGKILL());
    public static final Flag SIGCHLD = new Flag("SIGCHLD", linux_h.SIGCHLD());
    public static final Flag SIG_SETMASK = new Flag("SIG_SETMASK", linux_h.SIG_SETMASK());

    // sockets and interfaces
    public static final Flag AF_INET = new Flag("AF_INET", linux_h.AF_INET());
    public static final Flag SOCK_DGRAM = new Flag("SOCK_DGRAM", linux_h.SOCK_DGRAM());
    public static final Flag SOCK_CLOEXEC = new Flag("SOCK_CLOEXEC", linux_h.SOCK_CLOEXEC());
    public static final Flag SIOCSIFFLAGS = new Flag("SIOCSIFFLAGS", linux_h.SIOCSIFFLAGS());
    public static final Flag IFF_UP = new Flag("IFF_UP", linux_h.IFF_UP());

    // ioctl(2) requests the headers define through _IO macros, which jextract cannot translate
    public static final Flag TIOCSCTTY = new Flag("TIOCSCTTY", Abi.TIOCSCTTY);
}
