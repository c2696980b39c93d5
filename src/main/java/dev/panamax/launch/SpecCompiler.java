package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.ProcessSpec;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a {@link ContainerSpec} into the {@link ChildProgram} the child runs between clone and execve.
 * The order of the groups is the order of the child's setup; each group is a short method.
 */
public final class SpecCompiler {
    private final ContainerSpec spec;
    private final ChildFds fds;
    private final ChildProgram.Builder out = new ChildProgram.Builder();

    private SpecCompiler(ContainerSpec spec, ChildFds fds) {
        this.spec = spec;
        this.fds = fds;
    }

    /** The program for a launch, with real descriptors. */
    public static ChildProgram compile(ContainerSpec spec, ChildFds fds) {
        return new SpecCompiler(spec, fds).program();
    }

    /** The program with symbolic descriptors, for {@code Launcher.plan}. */
    public static ChildProgram plan(ContainerSpec spec) {
        ProcessSpec p = spec.process();
        ChildFds fds = ChildFds.symbolic(!isInherit(p.stdin()), !isInherit(p.stdout()), !isInherit(p.stderr()));
        return compile(spec, fds);
    }

    private static boolean isInherit(dev.panamax.Stdio s) {
        return s instanceof dev.panamax.Stdio.Inherit;
    }

    private ChildProgram program() {
        waitForParent();
        rootfs();
        uts();
        loopback();
        stdio();
        exec();
        return out.build();
    }

    /** Die with the parent, then wait for its go: EOF on the sync pipe means the parent died first. */
    private void waitForParent() {
        add(Step.of("close the parent's end of the sync pipe", "close", fds.syncWrite()));
        if (spec.process().dieWithParent()) {
            add(Step.of("die with the launching JVM", "prctl",
                    new Arg.Word(Abi.PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG"), new Arg.Word(Abi.SIGKILL, "SIGKILL")));
        }
        add(Step.of("wait for the parent's go (EOF: the parent died)", "read",
                fds.syncRead(), new Arg.Buffer(1), new Arg.Word(1)).expecting(1));
        add(Step.of("close the sync pipe", "close", fds.syncRead()));
    }

    private void rootfs() {
        if (!spec.has(Namespace.MOUNT)) {
            return;
        }
        add(Step.of("make every mount private, so nothing propagates to the host", "mount",
                NULL, new Arg.CString("/"), NULL, flags(Abi.MS_REC | Abi.MS_PRIVATE, "MS_REC|MS_PRIVATE"), NULL));
        if (spec.rootfs().isEmpty()) {
            mountProc("/proc");
            return;
        }
        String root = spec.rootfs().get().toString();
        add(Step.of("bind the rootfs onto itself (pivot_root needs a mount point)", "mount",
                new Arg.CString(root), new Arg.CString(root), NULL,
                flags(Abi.MS_BIND | Abi.MS_REC, "MS_BIND|MS_REC"), NULL));
        mountProc(root + "/proc");
        add(Step.of("enter the rootfs", "chdir", new Arg.CString(root)));
        if (spec.rootEntry() == ContainerSpec.RootEntry.CHROOT) {
            add(Step.of("chroot into the rootfs (asked for instead of pivot_root)", "chroot", new Arg.CString(".")));
        } else {
            add(Step.of("pivot_root into the rootfs", "pivot_root", new Arg.CString("."), new Arg.CString(".")));
            add(Step.of("detach the old root", "umount2", new Arg.CString("."), flags(Abi.MNT_DETACH, "MNT_DETACH")));
        }
        add(Step.of("go to the new root", "chdir", new Arg.CString("/")));
    }

    private void mountProc(String target) {
        if (spec.mountProc()) {
            add(Step.of("mount /proc of the container's pid namespace", "mount", new Arg.CString("proc"),
                    new Arg.CString(target), new Arg.CString("proc"),
                    flags(Abi.MS_NOSUID | Abi.MS_NODEV | Abi.MS_NOEXEC, "MS_NOSUID|MS_NODEV|MS_NOEXEC"), NULL));
        }
    }

    private void uts() {
        spec.hostname().ifPresent(h -> add(Step.of("set the hostname", "sethostname", new Arg.CString(h),
                new Arg.Word(h.getBytes(StandardCharsets.UTF_8).length))));
        spec.domainname().ifPresent(d -> add(Step.of("set the domain name", "setdomainname", new Arg.CString(d),
                new Arg.Word(d.getBytes(StandardCharsets.UTF_8).length))));
    }

    /** A new network namespace has only {@code lo}, and it is down. */
    private void loopback() {
        if (!spec.has(Namespace.NET)) {
            return;
        }
        add(Step.of("open a socket to configure lo", "socket", new Arg.Word(Abi.AF_INET, "AF_INET"),
                flags(Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, "SOCK_DGRAM|SOCK_CLOEXEC"), new Arg.Word(0))
                .savingAs("sock"));
        ByteBuffer ifreq = ByteBuffer.allocate((int) Abi.SIZEOF_IFREQ).order(ByteOrder.nativeOrder());
        ifreq.put("lo".getBytes(StandardCharsets.US_ASCII));
        ifreq.putShort((int) Abi.OFFSETOF_IFR_FLAGS, (short) Abi.IFF_UP);
        add(Step.of("bring loopback up", "ioctl", new Arg.Result("sock"),
                new Arg.Word(Abi.SIOCSIFFLAGS, "SIOCSIFFLAGS"), new Arg.Struct(ifreq.array(), "ifr_name=\"lo\", ifr_flags=IFF_UP")));
        add(Step.of("close the socket", "close", new Arg.Result("sock")));
    }

    private void stdio() {
        Arg.Word[] streams = {fds.stdin(), fds.stdout(), fds.stderr()};
        String[] names = {"stdin", "stdout", "stderr"};
        for (int n = 0; n < 3; n++) {
            if (streams[n] != null) {
                add(Step.of("connect " + names[n], "dup3", streams[n], new Arg.Word(n), new Arg.Word(0)));
            }
        }
        add(Step.of("no descriptor but 0, 1, 2 survives execve", "close_range", new Arg.Word(3),
                new Arg.Word(0xFFFF_FFFFL, "~0U"), flags(Abi.CLOSE_RANGE_CLOEXEC, "CLOSE_RANGE_CLOEXEC")));
    }

    private void exec() {
        ProcessSpec p = spec.process();
        add(Step.of("enter the working directory", "chdir", new Arg.CString(p.workingDirectory())));
        byte[] sigDefault = new byte[32]; // struct kernel_sigaction {handler=SIG_DFL, flags, restorer, mask}
        for (int sig = 1; sig <= 64; sig++) {
            if (sig != Abi.SIGKILL && sig != Abi.SIGSTOP) {
                add(Step.of("reset every signal handler to SIG_DFL (no JVM handler may run)", "rt_sigaction",
                        new Arg.Word(sig), new Arg.Struct(sigDefault, "SIG_DFL"), NULL, new Arg.Word(8)));
            }
        }
        // Not the launching thread's mask: the JVM blocks SIGQUIT in its threads, and a container's process
        // must start as any process does, with nothing blocked (Ctrl-\ must reach a shell inside).
        add(Step.of("unblock every signal (blocked since clone)", "rt_sigprocmask",
                new Arg.Word(Abi.SIG_SETMASK, "SIG_SETMASK"), new Arg.Struct(new byte[8], "empty set"), NULL,
                new Arg.Word(8)));
        List<String> envp = new ArrayList<>();
        p.environment().forEach((k, v) -> envp.add(k + "=" + v));
        List<String> candidates = candidates(p);
        for (int i = 0; i < candidates.size(); i++) {
            Step step = Step.of("execute " + p.argv().getFirst(), "execve", new Arg.CString(candidates.get(i)),
                    new Arg.CStringArray(p.argv()), new Arg.CStringArray(envp));
            boolean last = i == candidates.size() - 1;
            add(last ? step : step.tolerating(Abi.ENOENT, Abi.EACCES, Abi.ENOTDIR));
        }
    }

    /** argv[0] with a slash is used as is; otherwise each PATH entry is tried in order, like execvp. */
    static List<String> candidates(ProcessSpec p) {
        String name = p.argv().getFirst();
        if (name.contains("/")) {
            return List.of(name);
        }
        List<String> out = new ArrayList<>();
        for (String dir : p.path().split(":")) {
            if (dir.startsWith("/")) {
                out.add(dir.endsWith("/") ? dir + name : dir + "/" + name);
            }
        }
        return out.isEmpty() ? List.of("/" + name) : out;
    }

    private void add(Step step) {
        out.add(step);
    }

    private static final Arg NULL = new Arg.Word(0, "NULL");

    private static Arg flags(long value, String names) {
        return new Arg.Word(value, names);
    }
}
