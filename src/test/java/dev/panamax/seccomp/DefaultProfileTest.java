package dev.panamax.seccomp;

import static dev.panamax.seccomp.FilterTesting.call;
import static dev.panamax.seccomp.FilterTesting.nr;
import static dev.panamax.seccomp.FilterTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DefaultProfileTest {

    private static final int ALLOW = 0x7fff0000;
    private static final int ERRNO_EPERM = 0x00050001;
    private static final int ERRNO_ENOSYS = 0x00050026;
    private static final int KILL_PROCESS = 0x80000000;
    private static final long CLONE_NEWUSER = 0x10000000L;

    /** The calls issue 7 names, denied with EPERM whatever their arguments. */
    private static final List<String> DENIED = List.of("kexec_load", "kexec_file_load", "init_module",
            "finit_module", "delete_module", "open_by_handle_at", "bpf", "perf_event_open", "keyctl", "add_key",
            "request_key", "userfaultfd", "mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
            "fsmount", "fsconfig", "fspick", "reboot", "swapon", "swapoff", "acct", "settimeofday", "clock_settime",
            "clock_adjtime", "adjtimex", "iopl", "ioperm", "lookup_dcookie", "quotactl", "nfsservctl", "setns",
            "io_uring_setup", "io_uring_enter", "io_uring_register");

    private static final List<String> ALLOWED = List.of("read", "write", "openat", "close", "mmap", "execve",
            "exit_group", "futex", "rt_sigaction", "getpid", "socket", "connect", "fstat", "newfstatat", "pipe2",
            "wait4", "chdir", "getdents64", "sethostname");

    private final CompiledFilter filter = SeccompProfile.defaultProfile().compile();

    @Property(tries = 200)
    void deniedCallsFailWithEpermWhateverTheArguments(@ForAll("denied") String syscall,
            @ForAll long a0, @ForAll long a1, @ForAll long a2) {
        assertEquals(ERRNO_EPERM, run(filter, call(syscall, a0, a1, a2)), syscall);
    }

    @Provide
    Arbitrary<String> denied() {
        return Arbitraries.of(DENIED);
    }

    @Test
    void everyListedCallIsDenied() {
        for (String s : DENIED) {
            assertEquals(ERRNO_EPERM, run(filter, call(s)), s);
        }
    }

    @Test
    void ordinaryCallsAreAllowed() {
        for (String s : ALLOWED) {
            assertEquals(ALLOW, run(filter, call(s, 3, 0x1000, 0)), s);
        }
    }

    @Test
    void newUserNamespacesAreDeniedOtherNamespacesAndThreadsAreNot() {
        long thread = 0x3d0f00L; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
        assertEquals(ALLOW, run(filter, call("clone", thread)));
        assertEquals(ALLOW, run(filter, call("clone", 0x11L))); // fork: SIGCHLD
        assertEquals(ERRNO_EPERM, run(filter, call("clone", CLONE_NEWUSER | 0x11L)));
        assertEquals(ERRNO_EPERM, run(filter, call("clone", -1L)));
        assertEquals(ERRNO_EPERM, run(filter, call("unshare", CLONE_NEWUSER)));
        assertEquals(ALLOW, run(filter, call("unshare", 0x20000L))); // CLONE_NEWNS alone
        assertEquals(ERRNO_ENOSYS, run(filter, call("clone3", 0x7ffe0000L, 88)));
    }

    @Test
    void personalityAllowsOnlyDockersSafeValues() {
        for (long ok : new long[] {0x0, 0x8, 0x20000, 0x20008, 0xffffffffL}) {
            assertEquals(ALLOW, run(filter, call("personality", ok)), Long.toHexString(ok));
        }
        for (long bad : new long[] {0x0040000L /* ADDR_NO_RANDOMIZE */, 0x1L, 0x100000000L, -1L}) {
            assertEquals(ERRNO_EPERM, run(filter, call("personality", bad)), Long.toHexString(bad));
        }
    }

    @Test
    void ioUringIsAnOptIn() {
        CompiledFilter opened = SeccompProfile.defaultProfile().toBuilder().allowIoUring().build().compile();
        for (String call : List.of("io_uring_setup", "io_uring_enter", "io_uring_register")) {
            assertEquals(ERRNO_EPERM, run(filter, call(call, 8, 0)), call);
            assertEquals(ALLOW, run(opened, call(call, 8, 0)), call);
        }
        assertEquals(ERRNO_EPERM, run(opened, call("mount")), "only io_uring is opened");
    }

    @Test
    void terminalInjectionIoctlsAreDeniedWhateverTheHighBits() {
        long tiocsti = 0x5412;
        long tioclinux = 0x541C;
        for (long fd : new long[] {0, 1, 255}) {
            assertEquals(ERRNO_EPERM, run(filter, call("ioctl", fd, tiocsti)));
            assertEquals(ERRNO_EPERM, run(filter, call("ioctl", fd, tioclinux)));
            // the kernel reads the request as 32 bits: high bits must not slip past (flatpak's CVE-2019-10063)
            assertEquals(ERRNO_EPERM, run(filter, call("ioctl", fd, 0x1_0000_0000L | tiocsti)));
            assertEquals(ERRNO_EPERM, run(filter, call("ioctl", fd, 0xFFFF_FFFF_0000_0000L | tioclinux)));
        }
        for (long other : new long[] {0x5401 /* TCGETS */, 0x540E /* TIOCSCTTY */, 0x5413 /* TIOCGWINSZ */, 0x541B}) {
            assertEquals(ALLOW, run(filter, call("ioctl", 1, other)), Long.toHexString(other));
        }
    }

    @Test
    void wrongArchitectureIsKilled() {
        int i386 = 0x40000003;
        assertEquals(KILL_PROCESS, run(filter, call(i386, nr("read"))));
        assertEquals(KILL_PROCESS, run(filter, call(0xC00000B7 /* aarch64 */, nr("mount"))));
    }

    @Property(tries = 200)
    void x32NumbersAreKilled(@ForAll("x32") int number) {
        assertEquals(KILL_PROCESS, run(filter, call(FilterSemantics.AUDIT_ARCH_X86_64, number)));
    }

    @Provide
    Arbitrary<Integer> x32() {
        // __X32_SYSCALL_BIT set, e.g. x32 read (0x40000000) and mount (0x400000a5), and everything above
        return Arbitraries.oneOf(Arbitraries.integers().between(0x40000000, 0x400001ff),
                Arbitraries.integers().between(0x40000000, Integer.MAX_VALUE), Arbitraries.integers().lessOrEqual(-1));
    }

    @Test
    void renderedRulesReadAsTheProfile() {
        String text = filter.render();
        assertTrue(text.startsWith("arch != x86_64 -> KILL_PROCESS\nnr >= 0x40000000 (x32 ABI) -> KILL_PROCESS\n"), text);
        assertTrue(text.contains("\nmount -> ERRNO(EPERM)\n"), text);
        assertTrue(text.contains("\nclone if (arg0 & 0x10000000) == 0x10000000 -> ERRNO(EPERM)\n"), text);
        assertTrue(text.contains("\nclone3 -> ERRNO(ENOSYS)\n"), text);
        assertTrue(text.contains("\npersonality if arg0 == 0xffffffff -> ALLOW\n"), text);
        assertTrue(text.indexOf("personality if arg0 == 0x0 -> ALLOW") < text.indexOf("personality -> ERRNO(EPERM)"),
                "conditional rules come before the unconditional one:\n" + text);
        assertTrue(text.endsWith("\ndefault -> ALLOW\n"), text);
    }
}
