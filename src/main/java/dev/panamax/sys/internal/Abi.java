package dev.panamax.sys.internal;

/** TEMPORARY stand-in until the bindings-based Abi lands. */
public final class Abi {
    private Abi() {}
    public static final int O_CLOEXEC = 0x80000, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200, O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800, POLLIN = 1;
    public static final int O_PATH = 0x200000, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000;
    public static final long CLONE_VM = 0x100, CLONE_PIDFD = 0x1000, CLONE_INTO_CGROUP = 0x200000000L;
    public static final int SIGCHLD = 17, SIGKILL = 9, SIGSTOP = 19, SIG_SETMASK = 2;
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_BIND = 4096,
            MS_REC = 16384, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;
    public static final long MNT_DETACH = 2;
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000;
    public static final long SIOCSIFFLAGS = 0x8914;
    public static final int IFF_UP = 1;
    public static final long CLOSE_RANGE_CLOEXEC = 4;
    public static final int P_PIDFD = 3, WEXITED = 4, WNOHANG = 1;
    public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
    public static final long SIZEOF_CLONE_ARGS = 88, SIZEOF_IFREQ = 40, OFFSETOF_IFR_FLAGS = 16, SIZEOF_SIGINFO = 128;
    public static final int ENOENT = 2, EACCES = 13, EINVAL = 22, EPERM = 1, ENOTDIR = 20, EEXIST = 17, EBUSY = 16, ESRCH = 3;
}
