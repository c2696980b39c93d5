package dev.panamax.sys.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import dev.panamax.bindings.clone_args;
import dev.panamax.bindings.ifreq;
import dev.panamax.bindings.linux_h;
import dev.panamax.bindings.open_how;
import dev.panamax.bindings.pollfd;
import dev.panamax.bindings.siginfo_t;

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
 * <p>Values are those of the headers the bindings were generated from (Linux, glibc), for the architecture
 * this JVM runs on: the few that differ between x86-64 and aarch64 come from {@link ArchConstants}.
 * They are {@code static final} but not compile-time constants, so they cannot be used as
 * {@code case} labels.
 */
public final class Abi {
    private Abi() {}

    // Syscall numbers of this architecture for raw syscall(2) (clone3 is 435 everywhere).
    public static final long SYS_clone3 = linux_h.SYS_clone3();
    public static final long SYS_pivot_root = ArchConstants.SYS_pivot_root.value();
    public static final long SYS_waitid = ArchConstants.SYS_waitid.value();
    public static final long SYS_exit_group = ArchConstants.SYS_exit_group.value();
    public static final long SYS_ioctl = ArchConstants.SYS_ioctl.value();
    public static final long SYS_kill = ArchConstants.SYS_kill.value();

    // clone(2), clone3(2), unshare(2), setns(2) flags.
    public static final long CLONE_NEWNS = linux_h.CLONE_NEWNS();
    public static final long CLONE_NEWPID = linux_h.CLONE_NEWPID();
    public static final long CLONE_PARENT_SETTID = linux_h.CLONE_PARENT_SETTID();
    public static final long CLONE_PIDFD = linux_h.CLONE_PIDFD();
    public static final long CLONE_VFORK = linux_h.CLONE_VFORK();
    public static final long CLONE_VM = linux_h.CLONE_VM();

    // mount(2) flags.
    public static final long MS_PRIVATE = linux_h.MS_PRIVATE();
    public static final long MS_SHARED = linux_h.MS_SHARED();
    public static final long MS_SLAVE = linux_h.MS_SLAVE();

    // The new mount API: open_tree(2), move_mount(2), fsopen(2), fsconfig(2), fsmount(2), mount_setattr(2).
    public static final int MOUNT_ATTR_NOATIME = linux_h.MOUNT_ATTR_NOATIME();
    public static final int MOUNT_ATTR_NODEV = linux_h.MOUNT_ATTR_NODEV();
    public static final int MOUNT_ATTR_NODIRATIME = linux_h.MOUNT_ATTR_NODIRATIME();
    public static final int MOUNT_ATTR_NOEXEC = linux_h.MOUNT_ATTR_NOEXEC();
    public static final int MOUNT_ATTR_NOSUID = linux_h.MOUNT_ATTR_NOSUID();
    public static final int MOUNT_ATTR_NOSYMFOLLOW = linux_h.MOUNT_ATTR_NOSYMFOLLOW();
    public static final int MOUNT_ATTR_RDONLY = linux_h.MOUNT_ATTR_RDONLY();
    public static final int MOUNT_ATTR_RELATIME = linux_h.MOUNT_ATTR_RELATIME();
    public static final int MOUNT_ATTR_STRICTATIME = linux_h.MOUNT_ATTR_STRICTATIME();

    // open(2), openat(2), openat2(2) and fcntl(2).
    public static final int AT_EMPTY_PATH = linux_h.AT_EMPTY_PATH();
    public static final int F_SETFD = linux_h.F_SETFD();
    public static final int F_DUPFD_CLOEXEC = linux_h.F_DUPFD_CLOEXEC();
    public static final int O_APPEND = linux_h.O_APPEND();
    public static final int O_CLOEXEC = linux_h.O_CLOEXEC();
    public static final int O_CREAT = linux_h.O_CREAT();
    public static final int O_DIRECTORY = (int) ArchConstants.O_DIRECTORY.value();
    public static final int O_NOFOLLOW = (int) ArchConstants.O_NOFOLLOW.value();
    public static final int O_NOCTTY = linux_h.O_NOCTTY();
    public static final int O_NONBLOCK = linux_h.O_NONBLOCK();
    public static final int O_PATH = linux_h.O_PATH();
    public static final int O_RDONLY = linux_h.O_RDONLY();
    public static final int O_RDWR = linux_h.O_RDWR();
    public static final int O_TRUNC = linux_h.O_TRUNC();
    public static final int O_WRONLY = linux_h.O_WRONLY();
    public static final int RESOLVE_BENEATH = linux_h.RESOLVE_BENEATH();

    // memfd_create(2) and file seals (<linux/memfd.h>, <linux/fcntl.h>): not in the bindings' headers; the
    // values are the kernel's UAPI, the same on every architecture.
    public static final int MFD_CLOEXEC = 0x1;
    public static final int MFD_ALLOW_SEALING = 0x2;
    public static final int MFD_NOEXEC_SEAL = 0x8;
    public static final int MFD_EXEC = 0x10;
    public static final int F_ADD_SEALS = 1024 + 9;
    public static final int F_GET_SEALS = 1024 + 10;
    public static final int F_SEAL_SEAL = 0x1;
    public static final int F_SEAL_SHRINK = 0x2;
    public static final int F_SEAL_GROW = 0x4;
    public static final int F_SEAL_WRITE = 0x8;

    // Signals and sigprocmask(2) operations.
    public static final int SIGCHLD = linux_h.SIGCHLD();
    public static final int SIGKILL = linux_h.SIGKILL();
    public static final int SIGSTOP = linux_h.SIGSTOP();
    public static final int SIGTERM = linux_h.SIGTERM();
    public static final int SIG_BLOCK = linux_h.SIG_BLOCK();

    // waitid(2) and pidfds.
    public static final int CLD_DUMPED = linux_h.CLD_DUMPED();
    public static final int CLD_EXITED = linux_h.CLD_EXITED();
    public static final int P_PIDFD = linux_h.P_PIDFD();
    public static final int WEXITED = linux_h.WEXITED();
    public static final int WNOHANG = linux_h.WNOHANG();

    // mmap(2) and mprotect(2).
    public static final int MAP_ANONYMOUS = linux_h.MAP_ANONYMOUS();
    public static final int MAP_PRIVATE = linux_h.MAP_PRIVATE();
    public static final int PROT_EXEC = linux_h.PROT_EXEC();
    public static final int PROT_READ = linux_h.PROT_READ();
    public static final int PROT_WRITE = linux_h.PROT_WRITE();

    // Pseudo-terminals. Not in the bindings (headers/panamax.h does not include <asm/ioctls.h>); the values are
    // those of include/uapi/asm-generic/ioctls.h, which x86-64 and arm64 both use: _IOW('T', 0x31, int), _IOR('T', 0x30,
    // unsigned int), and the plain numbers of the classic tty ioctls. struct winsize is four unsigned shorts
    // (include/uapi/asm-generic/termios.h).
    public static final int TIOCSPTLCK = 0x40045431;
    public static final int TIOCGPTN = 0x80045430;
    public static final int TIOCSCTTY = 0x540E;
    public static final int TIOCSWINSZ = 0x5414;
    public static final long SIZEOF_WINSIZE = 8;

    // Resource limits (prlimit64).
    public static final int RLIMIT_NLIMITS = linux_h.RLIMIT_NLIMITS();
    public static final int RLIMIT_NOFILE = linux_h.RLIMIT_NOFILE();
    public static final int RLIMIT_NPROC = linux_h.RLIMIT_NPROC();
    public static final int RLIMIT_RTTIME = linux_h.RLIMIT_RTTIME();
    public static final long RLIM_INFINITY = linux_h.RLIM_INFINITY();

    // Capabilities (capset(2), prctl bounding set).
    public static final int CAP_AUDIT_READ = linux_h.CAP_AUDIT_READ();
    public static final int CAP_BPF = linux_h.CAP_BPF();
    public static final int CAP_CHECKPOINT_RESTORE = linux_h.CAP_CHECKPOINT_RESTORE();
    public static final int CAP_CHOWN = linux_h.CAP_CHOWN();
    public static final int CAP_LAST_CAP = linux_h.CAP_LAST_CAP();
    public static final int CAP_MKNOD = linux_h.CAP_MKNOD();
    public static final int CAP_NET_ADMIN = linux_h.CAP_NET_ADMIN();
    public static final int CAP_PERFMON = linux_h.CAP_PERFMON();
    public static final int CAP_SETFCAP = linux_h.CAP_SETFCAP();
    public static final int CAP_SETPCAP = linux_h.CAP_SETPCAP();
    public static final int CAP_SYS_ADMIN = linux_h.CAP_SYS_ADMIN();
    public static final int CAP_SYS_BOOT = linux_h.CAP_SYS_BOOT();

    // poll(2) events.
    public static final int POLLIN = linux_h.POLLIN();

    // Struct sizes and field offsets, in bytes.
    public static final long SIZEOF_CLONE_ARGS = clone_args.sizeof();
    public static final long OFFSETOF_CLONE_ARGS_FLAGS = clone_args.flags$offset();
    public static final long OFFSETOF_CLONE_ARGS_PIDFD = clone_args.pidfd$offset();
    public static final long OFFSETOF_CLONE_ARGS_PARENT_TID = clone_args.parent_tid$offset();
    public static final long OFFSETOF_CLONE_ARGS_EXIT_SIGNAL = clone_args.exit_signal$offset();
    public static final long OFFSETOF_CLONE_ARGS_STACK = clone_args.stack$offset();
    public static final long OFFSETOF_CLONE_ARGS_STACK_SIZE = clone_args.stack_size$offset();

    public static final long SIZEOF_OPEN_HOW = open_how.sizeof();

    public static final long SIZEOF_IFREQ = ifreq.sizeof();
    /** {@code ifr_flags} is a macro for {@code ifr_ifru.ifru_flags}, a short. */
    public static final long OFFSETOF_IFREQ_FLAGS = ifreq.ifr_ifru$offset() + ifreq.ifr_ifru.ifru_flags$offset();

    public static final long SIZEOF_SIGINFO = siginfo_t.sizeof();
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
