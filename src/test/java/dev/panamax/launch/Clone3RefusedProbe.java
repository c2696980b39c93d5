package dev.panamax.launch;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.Launcher;
import dev.panamax.Run;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.program.CloneHints;
import dev.panamax.seccomp.ArgCondition;
import dev.panamax.seccomp.CompiledFilter;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Libc;
import dev.panamax.sys.internal.SyscallTable;
import dev.panamax.trampoline.Trampoline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM where {@code clone3} is refused as in a Docker container, run by {@link WithoutClone3Test} and
 * {@link HintReachabilityTest}: it installs a seccomp filter on all its threads ({@code SECCOMP_FILTER_FLAG_TSYNC},
 * after {@code no_new_privs}) that fails {@code clone3} with ENOSYS, then launches containers and prints
 * {@code ok:WHAT} or {@code wrong:WHAT: why} per check, {@code reached:CAUSE:ERRNO} per hint it showed.
 * Uses no JUnit (not on its path).
 *
 * <p>Modes: {@code first} (the filter before the JVM's first launch: the once-per-JVM probe finds clone3
 * refused), {@code later} (one launch with clone3 first: the next spawn's clone3 says ENOSYS and switches),
 * {@code docker} (also {@code clone} with a namespace flag fails with EPERM, as Docker's default profile does
 * without {@code CAP_SYS_ADMIN}), {@code rootless} (as {@code first}, in a JVM without root: containers with
 * a user namespace), {@code limit} (no filter: run in a user namespace whose
 * {@code user.max_user_namespaces} is 0, a launch with a user namespace gets ENOSPC).
 *
 * <pre>{@code
 * java -cp target/classes:target/test-classes dev.panamax.launch.Clone3RefusedProbe /tmp/rootfs first
 * }</pre>
 */
public final class Clone3RefusedProbe {
    private Clone3RefusedProbe() {
    }

    /** The namespace flags Docker's profile refuses to clone without CAP_SYS_ADMIN. */
    private static final Namespace[] DOCKER_REFUSED = {Namespace.MOUNT, Namespace.UTS, Namespace.IPC,
            Namespace.USER, Namespace.PID, Namespace.NET, Namespace.CGROUP};

    public static void main(String[] args) throws Exception {
        Path rootfs = Path.of(args[0]);
        String mode = args[1];
        if (mode.equals("limit")) {
            userNamespaceLimit(rootfs);
            return;
        }
        if (mode.equals("later")) {
            check("a launch with clone3 before the filter", () -> ok(spec(rootfs, "true")));
            check("clone3 is used before the filter", () -> Trampoline.cloneCall().equals("clone3"));
        }
        install(mode.equals("docker"));
        check("a JVM thread starts under the filter (libc falls back to clone)", Clone3RefusedProbe::threadStarts);
        if (mode.equals("docker")) {
            dockerRefusesNamespaces(rootfs);
        } else if (mode.equals("rootless")) {
            check("a rootless container runs as root of its user namespace", () -> Run.of(spec(rootfs, "id", "-u")
                    .mapCurrentUserToRoot()).ok().stdout().equals("0\n"));
            check("clone is used", () -> Trampoline.cloneCall().equals("clone"));
            failsAt("a failing step of a rootless container still reports its step and errno",
                    spec(rootfs, "/nonexistent").mapCurrentUserToRoot().build(), "execve", "ENOENT",
                    "no such executable");
        } else {
            containersRunWithClone(rootfs);
        }
    }

    /** Every kind of launch works with clone, and failures still name their step and errno. */
    private static void containersRunWithClone(Path rootfs) throws Exception {
        check("a plain container runs", () -> Run.of(spec(rootfs, "echo", "hi")).ok().stdout().equals("hi\n"));
        check("clone is used", () -> Trampoline.cloneCall().equals("clone"));
        check("a container with a user namespace runs as its root", () -> Run.of(spec(rootfs, "id", "-u")
                .mapCurrentUserToRoot()).ok().stdout().equals("0\n"));
        check("a container with an init reports its command's exit", () -> Run.of(spec(rootfs, "sh", "-c", "exit 3")
                .init(true)).status().code() == 3);
        check("a container with a cgroup (vfork) has the right pid", () -> {
            try (Container c = Launcher.launch(spec(rootfs, "sleep", "30").resources(memory()).build())) {
                String cmdline = Files.readString(Path.of("/proc/" + c.pid() + "/cmdline"));
                c.destroyForcibly();
                c.waitFor(Duration.ofSeconds(30)).orElseThrow();
                return cmdline.startsWith("sleep\0");
            }
        });
        check("a container with a cgroup and an init runs", () -> Run.of(spec(rootfs, "true").init(true)
                .resources(memory())).status().code() == 0);
        long fdsBefore = openDescriptors();
        failsAt("a failing step still reports its step and errno", spec(rootfs, "/nonexistent").build(),
                "execve", "ENOENT", "no such executable");
        failsAt("a failing step of a vfork child still reports its step and errno",
                spec(rootfs, "/nonexistent").resources(memory()).build(), "execve", "ENOENT", "no such executable");
        failsAt("a time namespace is refused, saying it needs clone3", spec(rootfs, "true")
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.TIME).build(), "clone", "EINVAL",
                "a time namespace needs clone3");
        check("failed launches leave no descriptor", () -> openDescriptors() == fdsBefore);
        check("the plan names clone", () -> Launcher.plan(spec(rootfs, "true").build()).contains("clone("));
    }

    /** Docker without CAP_SYS_ADMIN: clone with namespaces is EPERM, and the hint names the JVM's filter. */
    private static void dockerRefusesNamespaces(Path rootfs) {
        ContainerSpec spec = spec(rootfs, "true").build();
        try (Container c = Launcher.launch(spec)) {
            System.out.println("wrong:a launch with namespaces succeeded under Docker's filter");
        } catch (LaunchException e) {
            System.out.println("message:" + e.getMessage());
            String hint = CloneHints.refused(spec, "clone").stream().filter(h -> h.explains(e.errno())).findFirst()
                    .map(h -> ". Hint: " + h.text()).orElse("(no hint)");
            System.out.println(e.syscall().equals("clone") && e.errnoName().equals("EPERM")
                    && e.getMessage().endsWith(hint) && hint.contains("seccomp filter")
                    ? "reached:CLONE_DENIED_BY_SECCOMP:EPERM" : "wrong:" + e.getMessage().replace('\n', ' '));
        }
        check("a container without namespaces still runs", () -> Run.of(ContainerSpec.builder().namespaces()
                .command("/bin/true").stdout(dev.panamax.Stdio.pipe()).stderr(dev.panamax.Stdio.pipe()).build())
                .status().code() == 0);
    }

    /** Run where user.max_user_namespaces is 0: the hint names that sysctl and its value. */
    private static void userNamespaceLimit(Path rootfs) {
        ContainerSpec spec = spec(rootfs, "true").mapCurrentUserToRoot().build();
        try (Container c = Launcher.launch(spec)) {
            System.out.println("wrong:a user namespace was made where user.max_user_namespaces is 0");
        } catch (LaunchException e) {
            System.out.println("message:" + e.getMessage());
            System.out.println(e.syscall().equals("clone3") && e.errnoName().equals("ENOSPC")
                    && e.getMessage().contains(". Hint: user.max_user_namespaces is 0 on this machine")
                    ? "reached:NAMESPACE_LIMIT:ENOSPC" : "wrong:" + e.getMessage().replace('\n', ' '));
        }
    }

    private static ContainerSpec.Builder spec(Path rootfs, String... argv) {
        return ContainerSpec.builder().rootfs(rootfs).command(argv);
    }

    private static Resources memory() {
        return Resources.builder().memoryMax(DataSize.ofMegabytes(64)).build();
    }

    private static boolean ok(ContainerSpec.Builder spec) {
        return Run.of(spec).status().code() == 0;
    }

    private static void failsAt(String what, ContainerSpec spec, String syscall, String errno, String words) {
        try (Container c = Launcher.launch(spec)) {
            System.out.println("wrong:" + what + ": the launch succeeded");
        } catch (LaunchException e) {
            boolean named = e.syscall().equals(syscall) && e.errnoName().equals(errno) && e.getMessage().contains(words)
                    && (syscall.startsWith("clone") || e.getMessage().contains("step "));
            System.out.println((named ? "ok:" : "wrong:") + what + (named ? "" : ": " + e.getMessage()));
        }
    }

    private static void check(String what, java.util.concurrent.Callable<Boolean> test) {
        try {
            System.out.println((test.call() ? "ok:" : "wrong:") + what);
        } catch (Throwable t) {
            System.out.println("wrong:" + what + ": " + t.toString().replace('\n', ' '));
        }
    }

    private static boolean threadStarts() throws InterruptedException {
        boolean[] ran = new boolean[1];
        Thread t = Thread.ofPlatform().start(() -> ran[0] = true);
        t.join();
        return ran[0];
    }

    private static long openDescriptors() throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * no_new_privs, then the filter on every thread of the JVM (TSYNC): clone3 fails with ENOSYS, and with
     * {@code docker}, clone with any namespace flag fails with EPERM.
     */
    private static void install(boolean docker) {
        SeccompProfile.Builder b = SeccompProfile.builder(SeccompAction.ALLOW).rule("clone3", SeccompAction.ENOSYS);
        if (docker) {
            for (Namespace ns : DOCKER_REFUSED) {
                b.rule("clone", SeccompAction.EPERM, ArgCondition.maskedEq(0, ns.flag(), ns.flag()));
            }
        }
        CompiledFilter filter = b.build().compile();
        SyscallTable table = SyscallTable.nativeTable();
        Libc.syscall("prctl", table.number("prctl").orElseThrow(), 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(filter.bytes().length, 8);
            MemorySegment.copy(MemorySegment.ofArray(filter.bytes()), 0, program, 0, filter.bytes().length);
            MemorySegment fprog = arena.allocate(16, 8); // struct sock_fprog: unsigned short len; filter *
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) filter.length());
            fprog.set(ValueLayout.ADDRESS, 8, program);
            Libc.syscall("seccomp", table.number("seccomp").orElseThrow(), 1 /* SECCOMP_SET_MODE_FILTER */,
                    1 /* SECCOMP_FILTER_FLAG_TSYNC */, fprog.address());
        }
    }
}
