package dev.panamax.seccomp;

import static dev.panamax.seccomp.SeccompAction.ALLOW;
import static dev.panamax.seccomp.SeccompAction.ENOSYS;
import static dev.panamax.seccomp.SeccompAction.EPERM;

/** The Docker-like default deny list behind {@link SeccompProfile#defaultProfile()}. */
final class DefaultProfile {

    /** {@code CLONE_NEWUSER} from {@code linux/sched.h}. */
    static final long CLONE_NEWUSER = 0x10000000L;

    /** Calls a container never needs, denied whatever the arguments (Docker: needs a capability the container lacks). */
    static final String[] DENIED = {
        // kernel code and modules
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
        "create_module", "get_kernel_syms", "query_module",
        // file handles bypass path-based checks (CVE-2014-3519 "shocker")
        "open_by_handle_at",
        // kernel attack surface
        "bpf", "perf_event_open", "userfaultfd", "lookup_dcookie", "uselib", "_sysctl", "nfsservctl",
        // keyrings are not namespaced
        "keyctl", "add_key", "request_key",
        // mounts and the root: the launcher sets them up before the filter is loaded
        "mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "fspick",
        "mount_setattr",
        // namespaces: joining any, by fd or pid
        "setns",
        // host-wide state
        "reboot", "swapon", "swapoff", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "iopl", "ioperm", "quotactl", "syslog", "vhangup", "fanotify_init",
    };

    /** io_uring: denied by default (Docker 25+, containerd), {@link SeccompProfile.Builder#allowIoUring()} to opt in. */
    static final String[] IO_URING = {"io_uring_setup", "io_uring_enter", "io_uring_register"};

    /**
     * {@code ioctl} requests denied whatever the terminal (as bubblewrap and flatpak do): TIOCSTI pushes
     * bytes into a terminal's input queue, as if typed (CVE-2017-5226: a sandboxed program typed commands
     * into the user's shell); TIOCLINUX can do the same on a virtual console (paste from the selection).
     * Values from {@code asm-generic/ioctls.h}; the kernel reads the request as 32 bits, so only the low
     * 32 bits are compared (a request with high bits set is the same request: flatpak's CVE-2019-10063).
     */
    static final long TIOCSTI = 0x5412;
    static final long TIOCLINUX = 0x541C;

    /** {@code personality} values Docker allows: PER_LINUX, PER_LINUX32, UNAME26, both, and the query 0xffffffff. */
    static final long[] SAFE_PERSONALITIES = {0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL};

    private DefaultProfile() {
    }

    static SeccompProfile build() {
        SeccompProfile.Builder b = SeccompProfile.builder(ALLOW).rules(EPERM, DENIED).rules(EPERM, IO_URING);
        ArgCondition newUser = ArgCondition.maskedEq(0, CLONE_NEWUSER, CLONE_NEWUSER);
        b.rule("unshare", EPERM, newUser);
        b.rule("clone", EPERM, newUser);
        // clone3 passes its flags in memory, which a filter cannot read: make libc fall back to clone.
        b.rule("clone3", ENOSYS);
        for (long persona : SAFE_PERSONALITIES) {
            b.rule("personality", ALLOW, ArgCondition.eq(0, persona));
        }
        b.rule("personality", EPERM);
        b.rule("ioctl", EPERM, ArgCondition.maskedEq(1, 0xFFFF_FFFFL, TIOCSTI));
        b.rule("ioctl", EPERM, ArgCondition.maskedEq(1, 0xFFFF_FFFFL, TIOCLINUX));
        return b.build();
    }
}
