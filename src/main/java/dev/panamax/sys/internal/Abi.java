package dev.panamax.sys.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import dev.panamax.bindings.__user_cap_data_struct;
import dev.panamax.bindings.__user_cap_header_struct;
import dev.panamax.bindings.clone_args;
import dev.panamax.bindings.ifreq;
import dev.panamax.bindings.linux_h;
import dev.panamax.bindings.open_how;
import dev.panamax.bindings.pollfd;
import dev.panamax.bindings.rlimit;
import dev.panamax.bindings.siginfo_t;
import dev.panamax.bindings.sock_filter;
import dev.panamax.bindings.sock_fprog;

/**
 * The kernel and libc ABI values the launch layer needs, re-exported from the generated bindings
 * so that no other package depends on {@code dev.panamax.bindings}: syscall numbers, flag
 * constants, struct sizes and field offsets, and the {@code <sys/wait.h>} status macros.
 *
 * <pre>{@code
 * long flags = Abi.CLONE_NEWNS | Abi.CLONE_NEWPID | Abi.SIGCHLD;
 * MemorySegment args = arena.allocate(Abi.SIZEOF_CLONE_ARGS);
 * args.set(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_FLAGS, flags);
 * }</pre>
 *
 * <p>Values are those of the headers the bindings were generated from (x86-64 Linux, glibc).
 * They are {@code static final} but not compile-time constants, so they cannot be used as
 * {@code case} labels.
 */
public final class Abi {
    private Abi() {}

    // Syscall numbers (x86-64) for raw syscall(2) and the child program.
    public static final long SYS_clone = linux_h.SYS_clone();
    public static final long SYS_clone3 = linux_h.SYS_clone3();
    public static final long SYS_mount = linux_h.SYS_mount();
    public static final long SYS_umount2 = linux_h.SYS_umount2();
    public static final long SYS_pivot_root = linux_h.SYS_pivot_root();
    public static final long SYS_execve = linux_h.SYS_execve();
    public static final long SYS_dup3 = linux_h.SYS_dup3();
    public static final long SYS_close_range = linux_h.SYS_close_range();
    public static final long SYS_prctl = linux_h.SYS_prctl();
    public static final long SYS_setns = linux_h.SYS_setns();
    public static final long SYS_unshare = linux_h.SYS_unshare();
    public static final long SYS_sethostname = linux_h.SYS_sethostname();
    public static final long SYS_setdomainname = linux_h.SYS_setdomainname();
    public static final long SYS_chdir = linux_h.SYS_chdir();
    public static final long SYS_fchdir = linux_h.SYS_fchdir();
    public static final long SYS_chroot = linux_h.SYS_chroot();
    public static final long SYS_openat = linux_h.SYS_openat();
    public static final long SYS_openat2 = linux_h.SYS_openat2();
    public static final long SYS_mkdirat = linux_h.SYS_mkdirat();
    public static final long SYS_mknodat = linux_h.SYS_mknodat();
    public static final long SYS_symlinkat = linux_h.SYS_symlinkat();
    public static final long SYS_open_tree = linux_h.SYS_open_tree();
    public static final long SYS_move_mount = linux_h.SYS_move_mount();
    public static final long SYS_fsopen = linux_h.SYS_fsopen();
    public static final long SYS_fsconfig = linux_h.SYS_fsconfig();
    public static final long SYS_fsmount = linux_h.SYS_fsmount();
    public static final long SYS_mount_setattr = linux_h.SYS_mount_setattr();
    public static final long SYS_pidfd_open = linux_h.SYS_pidfd_open();
    public static final long SYS_pidfd_send_signal = linux_h.SYS_pidfd_send_signal();
    public static final long SYS_waitid = linux_h.SYS_waitid();
    public static final long SYS_rt_sigaction = linux_h.SYS_rt_sigaction();
    public static final long SYS_rt_sigprocmask = linux_h.SYS_rt_sigprocmask();
    public static final long SYS_read = linux_h.SYS_read();
    public static final long SYS_write = linux_h.SYS_write();
    public static final long SYS_close = linux_h.SYS_close();
    public static final long SYS_exit_group = linux_h.SYS_exit_group();
    public static final long SYS_socket = linux_h.SYS_socket();
    public static final long SYS_ioctl = linux_h.SYS_ioctl();
    public static final long SYS_capset = linux_h.SYS_capset();
    public static final long SYS_capget = linux_h.SYS_capget();
    public static final long SYS_seccomp = linux_h.SYS_seccomp();
    public static final long SYS_prlimit64 = linux_h.SYS_prlimit64();
    public static final long SYS_setresuid = linux_h.SYS_setresuid();
    public static final long SYS_setresgid = linux_h.SYS_setresgid();
    public static final long SYS_setgroups = linux_h.SYS_setgroups();
    public static final long SYS_getppid = linux_h.SYS_getppid();
    public static final long SYS_kill = linux_h.SYS_kill();
    public static final long SYS_umask = linux_h.SYS_umask();

    // clone(2), clone3(2), unshare(2), setns(2) flags.
    public static final long CLONE_CHILD_CLEARTID = linux_h.CLONE_CHILD_CLEARTID();
    public static final long CLONE_CHILD_SETTID = linux_h.CLONE_CHILD_SETTID();
    public static final long CLONE_CLEAR_SIGHAND = linux_h.CLONE_CLEAR_SIGHAND();
    public static final long CLONE_DETACHED = linux_h.CLONE_DETACHED();
    public static final long CLONE_FILES = linux_h.CLONE_FILES();
    public static final long CLONE_FS = linux_h.CLONE_FS();
    public static final long CLONE_INTO_CGROUP = linux_h.CLONE_INTO_CGROUP();
    public static final long CLONE_IO = linux_h.CLONE_IO();
    public static final long CLONE_NEWCGROUP = linux_h.CLONE_NEWCGROUP();
    public static final long CLONE_NEWIPC = linux_h.CLONE_NEWIPC();
    public static final long CLONE_NEWNET = linux_h.CLONE_NEWNET();
    public static final long CLONE_NEWNS = linux_h.CLONE_NEWNS();
    public static final long CLONE_NEWPID = linux_h.CLONE_NEWPID();
    public static final long CLONE_NEWTIME = linux_h.CLONE_NEWTIME();
    public static final long CLONE_NEWUSER = linux_h.CLONE_NEWUSER();
    public static final long CLONE_NEWUTS = linux_h.CLONE_NEWUTS();
    public static final long CLONE_PARENT = linux_h.CLONE_PARENT();
    public static final long CLONE_PARENT_SETTID = linux_h.CLONE_PARENT_SETTID();
    public static final long CLONE_PIDFD = linux_h.CLONE_PIDFD();
    public static final long CLONE_PTRACE = linux_h.CLONE_PTRACE();
    public static final long CLONE_SETTLS = linux_h.CLONE_SETTLS();
    public static final long CLONE_SIGHAND = linux_h.CLONE_SIGHAND();
    public static final long CLONE_SYSVSEM = linux_h.CLONE_SYSVSEM();
    public static final long CLONE_THREAD = linux_h.CLONE_THREAD();
    public static final long CLONE_UNTRACED = linux_h.CLONE_UNTRACED();
    public static final long CLONE_VFORK = linux_h.CLONE_VFORK();
    public static final long CLONE_VM = linux_h.CLONE_VM();

    // clone_args sizes by version.
    public static final int CLONE_ARGS_SIZE_VER0 = linux_h.CLONE_ARGS_SIZE_VER0();
    public static final int CLONE_ARGS_SIZE_VER1 = linux_h.CLONE_ARGS_SIZE_VER1();
    public static final int CLONE_ARGS_SIZE_VER2 = linux_h.CLONE_ARGS_SIZE_VER2();

    // mount(2) flags.
    public static final long MS_BIND = linux_h.MS_BIND();
    public static final long MS_DIRSYNC = linux_h.MS_DIRSYNC();
    public static final long MS_LAZYTIME = linux_h.MS_LAZYTIME();
    public static final long MS_MANDLOCK = linux_h.MS_MANDLOCK();
    public static final long MS_MOVE = linux_h.MS_MOVE();
    public static final long MS_NOATIME = linux_h.MS_NOATIME();
    public static final long MS_NODEV = linux_h.MS_NODEV();
    public static final long MS_NODIRATIME = linux_h.MS_NODIRATIME();
    public static final long MS_NOEXEC = linux_h.MS_NOEXEC();
    public static final long MS_NOSUID = linux_h.MS_NOSUID();
    public static final long MS_NOSYMFOLLOW = linux_h.MS_NOSYMFOLLOW();
    public static final long MS_POSIXACL = linux_h.MS_POSIXACL();
    public static final long MS_PRIVATE = linux_h.MS_PRIVATE();
    public static final long MS_RDONLY = linux_h.MS_RDONLY();
    public static final long MS_REC = linux_h.MS_REC();
    public static final long MS_RELATIME = linux_h.MS_RELATIME();
    public static final long MS_REMOUNT = linux_h.MS_REMOUNT();
    public static final long MS_SHARED = linux_h.MS_SHARED();
    public static final long MS_SILENT = linux_h.MS_SILENT();
    public static final long MS_SLAVE = linux_h.MS_SLAVE();
    public static final long MS_STRICTATIME = linux_h.MS_STRICTATIME();
    public static final long MS_SYNCHRONOUS = linux_h.MS_SYNCHRONOUS();
    public static final long MS_UNBINDABLE = linux_h.MS_UNBINDABLE();

    // umount2(2) flags.
    public static final int MNT_DETACH = linux_h.MNT_DETACH();
    public static final int MNT_EXPIRE = linux_h.MNT_EXPIRE();
    public static final int MNT_FORCE = linux_h.MNT_FORCE();
    public static final int UMOUNT_NOFOLLOW = linux_h.UMOUNT_NOFOLLOW();

    // The new mount API: open_tree(2), move_mount(2), fsopen(2), fsconfig(2), fsmount(2), mount_setattr(2).
    public static final int FSCONFIG_CMD_CREATE = linux_h.FSCONFIG_CMD_CREATE();
    public static final int FSCONFIG_CMD_RECONFIGURE = linux_h.FSCONFIG_CMD_RECONFIGURE();
    public static final int FSCONFIG_SET_BINARY = linux_h.FSCONFIG_SET_BINARY();
    public static final int FSCONFIG_SET_FD = linux_h.FSCONFIG_SET_FD();
    public static final int FSCONFIG_SET_FLAG = linux_h.FSCONFIG_SET_FLAG();
    public static final int FSCONFIG_SET_PATH = linux_h.FSCONFIG_SET_PATH();
    public static final int FSCONFIG_SET_PATH_EMPTY = linux_h.FSCONFIG_SET_PATH_EMPTY();
    public static final int FSCONFIG_SET_STRING = linux_h.FSCONFIG_SET_STRING();
    public static final int FSMOUNT_CLOEXEC = linux_h.FSMOUNT_CLOEXEC();
    public static final int FSOPEN_CLOEXEC = linux_h.FSOPEN_CLOEXEC();
    public static final int MOUNT_ATTR_IDMAP = linux_h.MOUNT_ATTR_IDMAP();
    public static final int MOUNT_ATTR_NOATIME = linux_h.MOUNT_ATTR_NOATIME();
    public static final int MOUNT_ATTR_NODEV = linux_h.MOUNT_ATTR_NODEV();
    public static final int MOUNT_ATTR_NODIRATIME = linux_h.MOUNT_ATTR_NODIRATIME();
    public static final int MOUNT_ATTR_NOEXEC = linux_h.MOUNT_ATTR_NOEXEC();
    public static final int MOUNT_ATTR_NOSUID = linux_h.MOUNT_ATTR_NOSUID();
    public static final int MOUNT_ATTR_NOSYMFOLLOW = linux_h.MOUNT_ATTR_NOSYMFOLLOW();
    public static final int MOUNT_ATTR_RDONLY = linux_h.MOUNT_ATTR_RDONLY();
    public static final int MOUNT_ATTR_RELATIME = linux_h.MOUNT_ATTR_RELATIME();
    public static final int MOUNT_ATTR_SIZE_VER0 = linux_h.MOUNT_ATTR_SIZE_VER0();
    public static final int MOUNT_ATTR_STRICTATIME = linux_h.MOUNT_ATTR_STRICTATIME();
    public static final int MOUNT_ATTR__ATIME = linux_h.MOUNT_ATTR__ATIME();
    public static final int MOVE_MOUNT_F_AUTOMOUNTS = linux_h.MOVE_MOUNT_F_AUTOMOUNTS();
    public static final int MOVE_MOUNT_F_EMPTY_PATH = linux_h.MOVE_MOUNT_F_EMPTY_PATH();
    public static final int MOVE_MOUNT_F_SYMLINKS = linux_h.MOVE_MOUNT_F_SYMLINKS();
    public static final int MOVE_MOUNT_SET_GROUP = linux_h.MOVE_MOUNT_SET_GROUP();
    public static final int MOVE_MOUNT_T_AUTOMOUNTS = linux_h.MOVE_MOUNT_T_AUTOMOUNTS();
    public static final int MOVE_MOUNT_T_EMPTY_PATH = linux_h.MOVE_MOUNT_T_EMPTY_PATH();
    public static final int MOVE_MOUNT_T_SYMLINKS = linux_h.MOVE_MOUNT_T_SYMLINKS();
    public static final int MOVE_MOUNT__MASK = linux_h.MOVE_MOUNT__MASK();
    public static final int OPEN_TREE_CLOEXEC = linux_h.OPEN_TREE_CLOEXEC();
    public static final int OPEN_TREE_CLONE = linux_h.OPEN_TREE_CLONE();

    // open(2), openat(2), openat2(2) and fcntl(2).
    public static final int AT_EACCESS = linux_h.AT_EACCESS();
    public static final int AT_EMPTY_PATH = linux_h.AT_EMPTY_PATH();
    public static final int AT_FDCWD = linux_h.AT_FDCWD();
    public static final int AT_NO_AUTOMOUNT = linux_h.AT_NO_AUTOMOUNT();
    public static final int AT_RECURSIVE = linux_h.AT_RECURSIVE();
    public static final int AT_REMOVEDIR = linux_h.AT_REMOVEDIR();
    public static final int AT_STATX_DONT_SYNC = linux_h.AT_STATX_DONT_SYNC();
    public static final int AT_STATX_FORCE_SYNC = linux_h.AT_STATX_FORCE_SYNC();
    public static final int AT_STATX_SYNC_AS_STAT = linux_h.AT_STATX_SYNC_AS_STAT();
    public static final int AT_STATX_SYNC_TYPE = linux_h.AT_STATX_SYNC_TYPE();
    public static final int AT_SYMLINK_FOLLOW = linux_h.AT_SYMLINK_FOLLOW();
    public static final int AT_SYMLINK_NOFOLLOW = linux_h.AT_SYMLINK_NOFOLLOW();
    public static final int FD_CLOEXEC = linux_h.FD_CLOEXEC();
    public static final int F_DUPFD_CLOEXEC = linux_h.F_DUPFD_CLOEXEC();
    public static final int F_GETFD = linux_h.F_GETFD();
    public static final int F_GETFL = linux_h.F_GETFL();
    public static final int F_SETFD = linux_h.F_SETFD();
    public static final int F_SETFL = linux_h.F_SETFL();

    // memfd_create(2) and file seals (<linux/memfd.h>, <linux/fcntl.h>): not in the bindings' headers; the
    // values are the kernel's UAPI, the same on every architecture.
    public static final int MFD_CLOEXEC = 0x1;
    public static final int MFD_ALLOW_SEALING = 0x2;
    public static final int MFD_EXEC = 0x10;
    public static final int F_ADD_SEALS = 1024 + 9;
    public static final int F_GET_SEALS = 1024 + 10;
    public static final int F_SEAL_SEAL = 0x1;
    public static final int F_SEAL_SHRINK = 0x2;
    public static final int F_SEAL_GROW = 0x4;
    public static final int F_SEAL_WRITE = 0x8;
    public static final int O_ACCMODE = linux_h.O_ACCMODE();
    public static final int O_APPEND = linux_h.O_APPEND();
    public static final int O_ASYNC = linux_h.O_ASYNC();
    public static final int O_CLOEXEC = linux_h.O_CLOEXEC();
    public static final int O_CREAT = linux_h.O_CREAT();
    public static final int O_DIRECT = linux_h.O_DIRECT();
    public static final int O_DIRECTORY = linux_h.O_DIRECTORY();
    public static final int O_DSYNC = linux_h.O_DSYNC();
    public static final int O_EXCL = linux_h.O_EXCL();
    public static final int O_FSYNC = linux_h.O_FSYNC();
    public static final int O_LARGEFILE = linux_h.O_LARGEFILE();
    public static final int O_NDELAY = linux_h.O_NDELAY();
    public static final int O_NOATIME = linux_h.O_NOATIME();
    public static final int O_NOCTTY = linux_h.O_NOCTTY();
    public static final int O_NOFOLLOW = linux_h.O_NOFOLLOW();
    public static final int O_NONBLOCK = linux_h.O_NONBLOCK();
    public static final int O_PATH = linux_h.O_PATH();
    public static final int O_RDONLY = linux_h.O_RDONLY();
    public static final int O_RDWR = linux_h.O_RDWR();
    public static final int O_RSYNC = linux_h.O_RSYNC();
    public static final int O_SYNC = linux_h.O_SYNC();
    public static final int O_TMPFILE = linux_h.O_TMPFILE();
    public static final int O_TRUNC = linux_h.O_TRUNC();
    public static final int O_WRONLY = linux_h.O_WRONLY();
    public static final int RESOLVE_BENEATH = linux_h.RESOLVE_BENEATH();
    public static final int RESOLVE_CACHED = linux_h.RESOLVE_CACHED();
    public static final int RESOLVE_IN_ROOT = linux_h.RESOLVE_IN_ROOT();
    public static final int RESOLVE_NO_MAGICLINKS = linux_h.RESOLVE_NO_MAGICLINKS();
    public static final int RESOLVE_NO_SYMLINKS = linux_h.RESOLVE_NO_SYMLINKS();
    public static final int RESOLVE_NO_XDEV = linux_h.RESOLVE_NO_XDEV();

    // File type and mode bits.
    public static final int S_IFBLK = linux_h.S_IFBLK();
    public static final int S_IFCHR = linux_h.S_IFCHR();
    public static final int S_IFDIR = linux_h.S_IFDIR();
    public static final int S_IFIFO = linux_h.S_IFIFO();
    public static final int S_IFLNK = linux_h.S_IFLNK();
    public static final int S_IFMT = linux_h.S_IFMT();
    public static final int S_IFREG = linux_h.S_IFREG();
    public static final int S_IFSOCK = linux_h.S_IFSOCK();
    public static final int S_IRUSR = linux_h.S_IRUSR();
    public static final int S_IRWXG = linux_h.S_IRWXG();
    public static final int S_IRWXO = linux_h.S_IRWXO();
    public static final int S_IRWXU = linux_h.S_IRWXU();
    public static final int S_ISGID = linux_h.S_ISGID();
    public static final int S_ISUID = linux_h.S_ISUID();
    public static final int S_ISVTX = linux_h.S_ISVTX();
    public static final int S_IWUSR = linux_h.S_IWUSR();
    public static final int S_IXUSR = linux_h.S_IXUSR();

    // prctl(2) options used for hardening.
    public static final int PR_CAPBSET_DROP = linux_h.PR_CAPBSET_DROP();
    public static final int PR_CAPBSET_READ = linux_h.PR_CAPBSET_READ();
    public static final int PR_CAP_AMBIENT = linux_h.PR_CAP_AMBIENT();
    public static final int PR_CAP_AMBIENT_CLEAR_ALL = linux_h.PR_CAP_AMBIENT_CLEAR_ALL();
    public static final int PR_CAP_AMBIENT_IS_SET = linux_h.PR_CAP_AMBIENT_IS_SET();
    public static final int PR_CAP_AMBIENT_LOWER = linux_h.PR_CAP_AMBIENT_LOWER();
    public static final int PR_CAP_AMBIENT_RAISE = linux_h.PR_CAP_AMBIENT_RAISE();
    public static final int PR_GET_NO_NEW_PRIVS = linux_h.PR_GET_NO_NEW_PRIVS();
    public static final int PR_SET_CHILD_SUBREAPER = linux_h.PR_SET_CHILD_SUBREAPER();
    public static final int PR_SET_DUMPABLE = linux_h.PR_SET_DUMPABLE();
    public static final int PR_SET_KEEPCAPS = linux_h.PR_SET_KEEPCAPS();
    public static final int PR_SET_NAME = linux_h.PR_SET_NAME();
    public static final int PR_SET_NO_NEW_PRIVS = linux_h.PR_SET_NO_NEW_PRIVS();
    public static final int PR_SET_PDEATHSIG = linux_h.PR_SET_PDEATHSIG();
    public static final int PR_SET_SECCOMP = linux_h.PR_SET_SECCOMP();
    public static final int PR_SET_SECUREBITS = linux_h.PR_SET_SECUREBITS();

    // Signals and sigprocmask(2) operations.
    public static final int SA_NOCLDSTOP = linux_h.SA_NOCLDSTOP();
    public static final int SA_RESTART = linux_h.SA_RESTART();
    public static final int SA_SIGINFO = linux_h.SA_SIGINFO();
    public static final int SIGABRT = linux_h.SIGABRT();
    public static final int SIGALRM = linux_h.SIGALRM();
    public static final int SIGBUS = linux_h.SIGBUS();
    public static final int SIGCHLD = linux_h.SIGCHLD();
    public static final int SIGCONT = linux_h.SIGCONT();
    public static final int SIGFPE = linux_h.SIGFPE();
    public static final int SIGHUP = linux_h.SIGHUP();
    public static final int SIGILL = linux_h.SIGILL();
    public static final int SIGINT = linux_h.SIGINT();
    public static final int SIGIO = linux_h.SIGIO();
    public static final int SIGKILL = linux_h.SIGKILL();
    public static final int SIGPIPE = linux_h.SIGPIPE();
    public static final int SIGPROF = linux_h.SIGPROF();
    public static final int SIGPWR = linux_h.SIGPWR();
    public static final int SIGQUIT = linux_h.SIGQUIT();
    public static final int SIGSEGV = linux_h.SIGSEGV();
    public static final int SIGSTKFLT = linux_h.SIGSTKFLT();
    public static final int SIGSTOP = linux_h.SIGSTOP();
    public static final int SIGSYS = linux_h.SIGSYS();
    public static final int SIGTERM = linux_h.SIGTERM();
    public static final int SIGTRAP = linux_h.SIGTRAP();
    public static final int SIGTSTP = linux_h.SIGTSTP();
    public static final int SIGTTIN = linux_h.SIGTTIN();
    public static final int SIGTTOU = linux_h.SIGTTOU();
    public static final int SIGURG = linux_h.SIGURG();
    public static final int SIGUSR1 = linux_h.SIGUSR1();
    public static final int SIGUSR2 = linux_h.SIGUSR2();
    public static final int SIGVTALRM = linux_h.SIGVTALRM();
    public static final int SIGWINCH = linux_h.SIGWINCH();
    public static final int SIGXCPU = linux_h.SIGXCPU();
    public static final int SIGXFSZ = linux_h.SIGXFSZ();
    public static final int SIG_BLOCK = linux_h.SIG_BLOCK();
    public static final int SIG_SETMASK = linux_h.SIG_SETMASK();
    public static final int SIG_UNBLOCK = linux_h.SIG_UNBLOCK();
    public static final int _NSIG = linux_h._NSIG();

    // waitid(2) and pidfds.
    public static final int CLD_CONTINUED = linux_h.CLD_CONTINUED();
    public static final int CLD_DUMPED = linux_h.CLD_DUMPED();
    public static final int CLD_EXITED = linux_h.CLD_EXITED();
    public static final int CLD_KILLED = linux_h.CLD_KILLED();
    public static final int CLD_STOPPED = linux_h.CLD_STOPPED();
    public static final int CLD_TRAPPED = linux_h.CLD_TRAPPED();
    public static final int PIDFD_NONBLOCK = linux_h.PIDFD_NONBLOCK();
    public static final int P_ALL = linux_h.P_ALL();
    public static final int P_PID = linux_h.P_PID();
    public static final int P_PIDFD = linux_h.P_PIDFD();
    public static final int WCONTINUED = linux_h.WCONTINUED();
    public static final int WEXITED = linux_h.WEXITED();
    public static final int WNOHANG = linux_h.WNOHANG();
    public static final int WNOWAIT = linux_h.WNOWAIT();
    public static final int WSTOPPED = linux_h.WSTOPPED();
    public static final int WUNTRACED = linux_h.WUNTRACED();

    // mmap(2) and mprotect(2).
    public static final int MAP_ANONYMOUS = linux_h.MAP_ANONYMOUS();
    public static final int MAP_FIXED = linux_h.MAP_FIXED();
    public static final int MAP_FIXED_NOREPLACE = linux_h.MAP_FIXED_NOREPLACE();
    public static final int MAP_GROWSDOWN = linux_h.MAP_GROWSDOWN();
    public static final int MAP_NORESERVE = linux_h.MAP_NORESERVE();
    public static final int MAP_POPULATE = linux_h.MAP_POPULATE();
    public static final int MAP_PRIVATE = linux_h.MAP_PRIVATE();
    public static final int MAP_SHARED = linux_h.MAP_SHARED();
    public static final int MAP_STACK = linux_h.MAP_STACK();
    public static final int PROT_EXEC = linux_h.PROT_EXEC();
    public static final int PROT_GROWSDOWN = linux_h.PROT_GROWSDOWN();
    public static final int PROT_GROWSUP = linux_h.PROT_GROWSUP();
    public static final int PROT_NONE = linux_h.PROT_NONE();
    public static final int PROT_READ = linux_h.PROT_READ();
    public static final int PROT_WRITE = linux_h.PROT_WRITE();

    // close_range(2).
    public static final int CLOSE_RANGE_CLOEXEC = linux_h.CLOSE_RANGE_CLOEXEC();
    public static final int CLOSE_RANGE_UNSHARE = linux_h.CLOSE_RANGE_UNSHARE();

    // Pseudo-terminals. Not in the bindings (headers/panamax.h does not include <asm/ioctls.h>); the values are
    // those of include/uapi/asm-generic/ioctls.h, which x86-64 uses: _IOW('T', 0x31, int), _IOR('T', 0x30,
    // unsigned int), and the plain numbers of the classic tty ioctls. struct winsize is four unsigned shorts
    // (include/uapi/asm-generic/termios.h).
    public static final int TIOCSPTLCK = 0x40045431;
    public static final int TIOCGPTN = 0x80045430;
    public static final int TIOCSCTTY = 0x540E;
    public static final int TIOCGWINSZ = 0x5413;
    public static final int TIOCSWINSZ = 0x5414;
    public static final long SIZEOF_WINSIZE = 8;

    // Bringing up the loopback interface.
    public static final int AF_INET = linux_h.AF_INET();
    public static final int AF_INET6 = linux_h.AF_INET6();
    public static final int AF_NETLINK = linux_h.AF_NETLINK();
    public static final int AF_UNIX = linux_h.AF_UNIX();
    public static final int IFF_LOOPBACK = linux_h.IFF_LOOPBACK();
    public static final int IFF_RUNNING = linux_h.IFF_RUNNING();
    public static final int IFF_UP = linux_h.IFF_UP();
    public static final int IFNAMSIZ = linux_h.IFNAMSIZ();
    public static final int SIOCGIFFLAGS = linux_h.SIOCGIFFLAGS();
    public static final int SIOCSIFFLAGS = linux_h.SIOCSIFFLAGS();
    public static final int SOCK_CLOEXEC = linux_h.SOCK_CLOEXEC();
    public static final int SOCK_DGRAM = linux_h.SOCK_DGRAM();
    public static final int SOCK_RAW = linux_h.SOCK_RAW();
    public static final int SOCK_STREAM = linux_h.SOCK_STREAM();

    // Resource limits (prlimit64).
    public static final int RLIMIT_AS = linux_h.RLIMIT_AS();
    public static final int RLIMIT_CORE = linux_h.RLIMIT_CORE();
    public static final int RLIMIT_CPU = linux_h.RLIMIT_CPU();
    public static final int RLIMIT_DATA = linux_h.RLIMIT_DATA();
    public static final int RLIMIT_FSIZE = linux_h.RLIMIT_FSIZE();
    public static final int RLIMIT_LOCKS = linux_h.RLIMIT_LOCKS();
    public static final int RLIMIT_MEMLOCK = linux_h.RLIMIT_MEMLOCK();
    public static final int RLIMIT_MSGQUEUE = linux_h.RLIMIT_MSGQUEUE();
    public static final int RLIMIT_NICE = linux_h.RLIMIT_NICE();
    public static final int RLIMIT_NLIMITS = linux_h.RLIMIT_NLIMITS();
    public static final int RLIMIT_NOFILE = linux_h.RLIMIT_NOFILE();
    public static final int RLIMIT_NPROC = linux_h.RLIMIT_NPROC();
    public static final int RLIMIT_OFILE = linux_h.RLIMIT_OFILE();
    public static final int RLIMIT_RSS = linux_h.RLIMIT_RSS();
    public static final int RLIMIT_RTPRIO = linux_h.RLIMIT_RTPRIO();
    public static final int RLIMIT_RTTIME = linux_h.RLIMIT_RTTIME();
    public static final int RLIMIT_SIGPENDING = linux_h.RLIMIT_SIGPENDING();
    public static final int RLIMIT_STACK = linux_h.RLIMIT_STACK();
    public static final long RLIM_INFINITY = linux_h.RLIM_INFINITY();

    // Capabilities (capset(2), prctl bounding set).
    public static final int CAP_AUDIT_CONTROL = linux_h.CAP_AUDIT_CONTROL();
    public static final int CAP_AUDIT_READ = linux_h.CAP_AUDIT_READ();
    public static final int CAP_AUDIT_WRITE = linux_h.CAP_AUDIT_WRITE();
    public static final int CAP_BLOCK_SUSPEND = linux_h.CAP_BLOCK_SUSPEND();
    public static final int CAP_BPF = linux_h.CAP_BPF();
    public static final int CAP_CHECKPOINT_RESTORE = linux_h.CAP_CHECKPOINT_RESTORE();
    public static final int CAP_CHOWN = linux_h.CAP_CHOWN();
    public static final int CAP_DAC_OVERRIDE = linux_h.CAP_DAC_OVERRIDE();
    public static final int CAP_DAC_READ_SEARCH = linux_h.CAP_DAC_READ_SEARCH();
    public static final int CAP_FOWNER = linux_h.CAP_FOWNER();
    public static final int CAP_FSETID = linux_h.CAP_FSETID();
    public static final int CAP_IPC_LOCK = linux_h.CAP_IPC_LOCK();
    public static final int CAP_IPC_OWNER = linux_h.CAP_IPC_OWNER();
    public static final int CAP_KILL = linux_h.CAP_KILL();
    public static final int CAP_LAST_CAP = linux_h.CAP_LAST_CAP();
    public static final int CAP_LEASE = linux_h.CAP_LEASE();
    public static final int CAP_LINUX_IMMUTABLE = linux_h.CAP_LINUX_IMMUTABLE();
    public static final int CAP_MAC_ADMIN = linux_h.CAP_MAC_ADMIN();
    public static final int CAP_MAC_OVERRIDE = linux_h.CAP_MAC_OVERRIDE();
    public static final int CAP_MKNOD = linux_h.CAP_MKNOD();
    public static final int CAP_NET_ADMIN = linux_h.CAP_NET_ADMIN();
    public static final int CAP_NET_BIND_SERVICE = linux_h.CAP_NET_BIND_SERVICE();
    public static final int CAP_NET_BROADCAST = linux_h.CAP_NET_BROADCAST();
    public static final int CAP_NET_RAW = linux_h.CAP_NET_RAW();
    public static final int CAP_PERFMON = linux_h.CAP_PERFMON();
    public static final int CAP_SETFCAP = linux_h.CAP_SETFCAP();
    public static final int CAP_SETGID = linux_h.CAP_SETGID();
    public static final int CAP_SETPCAP = linux_h.CAP_SETPCAP();
    public static final int CAP_SETUID = linux_h.CAP_SETUID();
    public static final int CAP_SYSLOG = linux_h.CAP_SYSLOG();
    public static final int CAP_SYS_ADMIN = linux_h.CAP_SYS_ADMIN();
    public static final int CAP_SYS_BOOT = linux_h.CAP_SYS_BOOT();
    public static final int CAP_SYS_CHROOT = linux_h.CAP_SYS_CHROOT();
    public static final int CAP_SYS_MODULE = linux_h.CAP_SYS_MODULE();
    public static final int CAP_SYS_NICE = linux_h.CAP_SYS_NICE();
    public static final int CAP_SYS_PACCT = linux_h.CAP_SYS_PACCT();
    public static final int CAP_SYS_PTRACE = linux_h.CAP_SYS_PTRACE();
    public static final int CAP_SYS_RAWIO = linux_h.CAP_SYS_RAWIO();
    public static final int CAP_SYS_RESOURCE = linux_h.CAP_SYS_RESOURCE();
    public static final int CAP_SYS_TIME = linux_h.CAP_SYS_TIME();
    public static final int CAP_SYS_TTY_CONFIG = linux_h.CAP_SYS_TTY_CONFIG();
    public static final int CAP_WAKE_ALARM = linux_h.CAP_WAKE_ALARM();
    public static final int _LINUX_CAPABILITY_U32S_3 = linux_h._LINUX_CAPABILITY_U32S_3();
    public static final int _LINUX_CAPABILITY_VERSION_3 = linux_h._LINUX_CAPABILITY_VERSION_3();

    // seccomp(2) and classic BPF.
    public static final int AUDIT_ARCH_AARCH64 = linux_h.AUDIT_ARCH_AARCH64();
    public static final int AUDIT_ARCH_I386 = linux_h.AUDIT_ARCH_I386();
    public static final int AUDIT_ARCH_X86_64 = linux_h.AUDIT_ARCH_X86_64();
    public static final int BPF_A = linux_h.BPF_A();
    public static final int BPF_ABS = linux_h.BPF_ABS();
    public static final int BPF_ADD = linux_h.BPF_ADD();
    public static final int BPF_ALU = linux_h.BPF_ALU();
    public static final int BPF_AND = linux_h.BPF_AND();
    public static final int BPF_B = linux_h.BPF_B();
    public static final int BPF_DIV = linux_h.BPF_DIV();
    public static final int BPF_H = linux_h.BPF_H();
    public static final int BPF_IMM = linux_h.BPF_IMM();
    public static final int BPF_IND = linux_h.BPF_IND();
    public static final int BPF_JA = linux_h.BPF_JA();
    public static final int BPF_JEQ = linux_h.BPF_JEQ();
    public static final int BPF_JGE = linux_h.BPF_JGE();
    public static final int BPF_JGT = linux_h.BPF_JGT();
    public static final int BPF_JMP = linux_h.BPF_JMP();
    public static final int BPF_JSET = linux_h.BPF_JSET();
    public static final int BPF_K = linux_h.BPF_K();
    public static final int BPF_LD = linux_h.BPF_LD();
    public static final int BPF_LDX = linux_h.BPF_LDX();
    public static final int BPF_LEN = linux_h.BPF_LEN();
    public static final int BPF_LL_OFF = linux_h.BPF_LL_OFF();
    public static final int BPF_LSH = linux_h.BPF_LSH();
    public static final int BPF_MAJOR_VERSION = linux_h.BPF_MAJOR_VERSION();
    public static final int BPF_MAXINSNS = linux_h.BPF_MAXINSNS();
    public static final int BPF_MEM = linux_h.BPF_MEM();
    public static final int BPF_MEMWORDS = linux_h.BPF_MEMWORDS();
    public static final int BPF_MINOR_VERSION = linux_h.BPF_MINOR_VERSION();
    public static final int BPF_MISC = linux_h.BPF_MISC();
    public static final int BPF_MOD = linux_h.BPF_MOD();
    public static final int BPF_MSH = linux_h.BPF_MSH();
    public static final int BPF_MUL = linux_h.BPF_MUL();
    public static final int BPF_NEG = linux_h.BPF_NEG();
    public static final int BPF_NET_OFF = linux_h.BPF_NET_OFF();
    public static final int BPF_OR = linux_h.BPF_OR();
    public static final int BPF_RET = linux_h.BPF_RET();
    public static final int BPF_RSH = linux_h.BPF_RSH();
    public static final int BPF_ST = linux_h.BPF_ST();
    public static final int BPF_STX = linux_h.BPF_STX();
    public static final int BPF_SUB = linux_h.BPF_SUB();
    public static final int BPF_TAX = linux_h.BPF_TAX();
    public static final int BPF_TXA = linux_h.BPF_TXA();
    public static final int BPF_W = linux_h.BPF_W();
    public static final int BPF_X = linux_h.BPF_X();
    public static final int BPF_XOR = linux_h.BPF_XOR();
    public static final long SECCOMP_ADDFD_FLAG_SEND = linux_h.SECCOMP_ADDFD_FLAG_SEND();
    public static final long SECCOMP_ADDFD_FLAG_SETFD = linux_h.SECCOMP_ADDFD_FLAG_SETFD();
    public static final long SECCOMP_FILTER_FLAG_LOG = linux_h.SECCOMP_FILTER_FLAG_LOG();
    public static final long SECCOMP_FILTER_FLAG_NEW_LISTENER = linux_h.SECCOMP_FILTER_FLAG_NEW_LISTENER();
    public static final long SECCOMP_FILTER_FLAG_SPEC_ALLOW = linux_h.SECCOMP_FILTER_FLAG_SPEC_ALLOW();
    public static final long SECCOMP_FILTER_FLAG_TSYNC = linux_h.SECCOMP_FILTER_FLAG_TSYNC();
    public static final long SECCOMP_FILTER_FLAG_TSYNC_ESRCH = linux_h.SECCOMP_FILTER_FLAG_TSYNC_ESRCH();
    public static final long SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = linux_h.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV();
    public static final int SECCOMP_GET_ACTION_AVAIL = linux_h.SECCOMP_GET_ACTION_AVAIL();
    public static final int SECCOMP_GET_NOTIF_SIZES = linux_h.SECCOMP_GET_NOTIF_SIZES();
    public static final long SECCOMP_IOCTL_NOTIF_ADDFD = linux_h.SECCOMP_IOCTL_NOTIF_ADDFD();
    public static final long SECCOMP_IOCTL_NOTIF_ID_VALID = linux_h.SECCOMP_IOCTL_NOTIF_ID_VALID();
    public static final long SECCOMP_IOCTL_NOTIF_RECV = linux_h.SECCOMP_IOCTL_NOTIF_RECV();
    public static final long SECCOMP_IOCTL_NOTIF_SEND = linux_h.SECCOMP_IOCTL_NOTIF_SEND();
    public static final int SECCOMP_IOC_MAGIC = linux_h.SECCOMP_IOC_MAGIC();
    public static final int SECCOMP_MODE_DISABLED = linux_h.SECCOMP_MODE_DISABLED();
    public static final int SECCOMP_MODE_FILTER = linux_h.SECCOMP_MODE_FILTER();
    public static final int SECCOMP_MODE_STRICT = linux_h.SECCOMP_MODE_STRICT();
    public static final int SECCOMP_RET_ACTION = linux_h.SECCOMP_RET_ACTION();
    public static final int SECCOMP_RET_ACTION_FULL = linux_h.SECCOMP_RET_ACTION_FULL();
    public static final int SECCOMP_RET_ALLOW = linux_h.SECCOMP_RET_ALLOW();
    public static final int SECCOMP_RET_DATA = linux_h.SECCOMP_RET_DATA();
    public static final int SECCOMP_RET_ERRNO = linux_h.SECCOMP_RET_ERRNO();
    public static final int SECCOMP_RET_KILL = linux_h.SECCOMP_RET_KILL();
    public static final int SECCOMP_RET_KILL_PROCESS = linux_h.SECCOMP_RET_KILL_PROCESS();
    public static final int SECCOMP_RET_KILL_THREAD = linux_h.SECCOMP_RET_KILL_THREAD();
    public static final int SECCOMP_RET_LOG = linux_h.SECCOMP_RET_LOG();
    public static final int SECCOMP_RET_TRACE = linux_h.SECCOMP_RET_TRACE();
    public static final int SECCOMP_RET_TRAP = linux_h.SECCOMP_RET_TRAP();
    public static final int SECCOMP_RET_USER_NOTIF = linux_h.SECCOMP_RET_USER_NOTIF();
    public static final int SECCOMP_SET_MODE_FILTER = linux_h.SECCOMP_SET_MODE_FILTER();
    public static final int SECCOMP_SET_MODE_STRICT = linux_h.SECCOMP_SET_MODE_STRICT();
    public static final long SECCOMP_USER_NOTIF_FLAG_CONTINUE = linux_h.SECCOMP_USER_NOTIF_FLAG_CONTINUE();

    // poll(2) events.
    public static final int POLLERR = linux_h.POLLERR();
    public static final int POLLHUP = linux_h.POLLHUP();
    public static final int POLLIN = linux_h.POLLIN();
    public static final int POLLNVAL = linux_h.POLLNVAL();
    public static final int POLLOUT = linux_h.POLLOUT();
    public static final int POLLPRI = linux_h.POLLPRI();

    // Struct sizes and field offsets, in bytes.
    public static final long SIZEOF_CLONE_ARGS = clone_args.sizeof();
    public static final long OFFSETOF_CLONE_ARGS_FLAGS = clone_args.flags$offset();
    public static final long OFFSETOF_CLONE_ARGS_PIDFD = clone_args.pidfd$offset();
    public static final long OFFSETOF_CLONE_ARGS_CHILD_TID = clone_args.child_tid$offset();
    public static final long OFFSETOF_CLONE_ARGS_PARENT_TID = clone_args.parent_tid$offset();
    public static final long OFFSETOF_CLONE_ARGS_EXIT_SIGNAL = clone_args.exit_signal$offset();
    public static final long OFFSETOF_CLONE_ARGS_STACK = clone_args.stack$offset();
    public static final long OFFSETOF_CLONE_ARGS_STACK_SIZE = clone_args.stack_size$offset();
    public static final long OFFSETOF_CLONE_ARGS_TLS = clone_args.tls$offset();
    public static final long OFFSETOF_CLONE_ARGS_SET_TID = clone_args.set_tid$offset();
    public static final long OFFSETOF_CLONE_ARGS_SET_TID_SIZE = clone_args.set_tid_size$offset();
    public static final long OFFSETOF_CLONE_ARGS_CGROUP = clone_args.cgroup$offset();

    public static final long SIZEOF_OPEN_HOW = open_how.sizeof();
    public static final long OFFSETOF_OPEN_HOW_FLAGS = open_how.flags$offset();
    public static final long OFFSETOF_OPEN_HOW_MODE = open_how.mode$offset();
    public static final long OFFSETOF_OPEN_HOW_RESOLVE = open_how.resolve$offset();

    public static final long SIZEOF_IFREQ = ifreq.sizeof();
    /** {@code ifr_name}: the first {@link #IFNAMSIZ} bytes. */
    public static final long OFFSETOF_IFREQ_NAME = ifreq.ifr_ifrn$offset();
    /** {@code ifr_flags} is a macro for {@code ifr_ifru.ifru_flags}, a short. */
    public static final long OFFSETOF_IFREQ_FLAGS = ifreq.ifr_ifru$offset() + ifreq.ifr_ifru.ifru_flags$offset();

    public static final long SIZEOF_SIGINFO = siginfo_t.sizeof();
    public static final long OFFSETOF_SIGINFO_SIGNO = siginfo_t.si_signo$offset();
    public static final long OFFSETOF_SIGINFO_CODE = siginfo_t.si_code$offset();
    /** {@code si_pid} of the {@code SIGCHLD} variant, as filled by {@code waitid(2)}. */
    public static final long OFFSETOF_SIGINFO_PID = siginfo_t.layout().byteOffset(
            groupElement("_sifields"), groupElement("_sigchld"), groupElement("si_pid"));
    /** {@code si_status}: the exit code or the signal number, depending on {@code si_code}. */
    public static final long OFFSETOF_SIGINFO_STATUS = siginfo_t.layout().byteOffset(
            groupElement("_sifields"), groupElement("_sigchld"), groupElement("si_status"));

    public static final long SIZEOF_POLLFD = pollfd.sizeof();
    public static final long OFFSETOF_POLLFD_FD = pollfd.fd$offset();
    public static final long OFFSETOF_POLLFD_EVENTS = pollfd.events$offset();
    public static final long OFFSETOF_POLLFD_REVENTS = pollfd.revents$offset();

    public static final long SIZEOF_SOCK_FILTER = sock_filter.sizeof();
    public static final long SIZEOF_SOCK_FPROG = sock_fprog.sizeof();
    public static final long OFFSETOF_SOCK_FPROG_LEN = sock_fprog.len$offset();
    public static final long OFFSETOF_SOCK_FPROG_FILTER = sock_fprog.filter$offset();

    public static final long SIZEOF_RLIMIT = rlimit.sizeof();
    public static final long OFFSETOF_RLIMIT_CUR = rlimit.rlim_cur$offset();
    public static final long OFFSETOF_RLIMIT_MAX = rlimit.rlim_max$offset();

    public static final long SIZEOF_CAP_HEADER = __user_cap_header_struct.sizeof();
    public static final long SIZEOF_CAP_DATA = __user_cap_data_struct.sizeof();

    /** The kernel's sigset for {@code rt_sigprocmask}/{@code rt_sigaction} (not glibc's 128-byte one). */
    public static final long SIZEOF_KERNEL_SIGSET = 8;

    // <sys/wait.h> macros, which jextract cannot translate.

    /** {@code WEXITSTATUS(status)}. */
    public static int wexitstatus(int status) {
        return (status & 0xff00) >> 8;
    }

    /** {@code WTERMSIG(status)}. */
    public static int wtermsig(int status) {
        return status & 0x7f;
    }

    /** {@code WIFEXITED(status)}. */
    public static boolean wifexited(int status) {
        return wtermsig(status) == 0;
    }

    /** {@code WIFSIGNALED(status)}: terminated by a signal (not stopped, not exited). */
    public static boolean wifsignaled(int status) {
        return ((byte) ((status & 0x7f) + 1) >> 1) > 0;
    }
}
