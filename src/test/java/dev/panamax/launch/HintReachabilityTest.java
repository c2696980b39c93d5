package dev.panamax.launch;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.Leaks;
import dev.panamax.Rlimit;
import dev.panamax.Stdio;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Mount;
import dev.panamax.program.Hint;
import dev.panamax.program.Hints;
import dev.panamax.sys.Errno;
import dev.panamax.userns.AsUser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hint the launcher declares ({@link Hint.Cause}, each with each of its errnos) is reached by failure
 * injection on the real launch path, and is the hint the message shows: the root causes here, the rootless
 * ones in a child JVM under an unprivileged uid ({@link HintProbe}). A cause no step declares any more, or
 * one that another hint shadows, fails this test: hints cannot go stale.
 */
@Tag("kernel")
class HintReachabilityTest extends dev.panamax.BusyboxTest {

    @Test
    void everyDeclaredHintIsReachedByFailureInjection() throws Exception {
        Set<String> reached = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        try (var warmUp = Launch.start(ContainerSpec.builder().rootfs(root.path()).command("true").build())) {
            warmUp.waitFor(); // once-per-JVM things: the reaper's pipe, the cloner thread
        }
        Leaks before = Leaks.snapshot();
        for (ContainerSpec spec : rootSpecs()) {
            HintInjection.Outcome o = HintInjection.run(spec);
            reached.addAll(o.reached());
            wrong.addAll(o.wrong());
        }
        before.assertNothingNewIn(Leaks.snapshot());
        try (AsUser user = AsUser.create(); BusyboxRootfs userRoot = BusyboxRootfs.create()) {
            user.own(userRoot.path());
            AsUser.Report r = user.run(HintProbe.class, Map.of(), userRoot.path().toString());
            assertEquals(0, r.jvmExit(), r.raw());
            reached.addAll(r.lines("reached"));
            wrong.addAll(r.lines("wrong"));
        }
        // the one parent-side cause: the launcher's clone3 refusing the namespaces (no spec makes this kernel
        // refuse them, so the launch's clone3 is made to fail)
        ContainerSpec any = ContainerSpec.builder().rootfs(root.path()).command("true").build();
        try (var c = Launch.start(any, s -> s == Launch.CLONE3, Errno.number("EINVAL"))) {
            wrong.add("a refused clone3 did not fail the launch");
        } catch (LaunchException e) {
            if (e.getMessage().endsWith(". Hint: " + Hints.namespacesRefused(any).text())
                    && e.syscall().equals("clone3")) {
                reached.add("NAMESPACES_REFUSED:EINVAL");
            } else {
                wrong.add("a refused clone3: " + e.getMessage());
            }
        }
        reached.addAll(realClone3Refusals());
        reached.addAll(appArmorRefusals());
        assertEquals(List.of(), wrong);
        Set<String> declared = Arrays.stream(Hint.Cause.values())
                .flatMap(c -> c.errnos().stream().map(e -> c + ":" + e)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, reached, "every declared (cause, errno) must be reached");
    }

    /**
     * The launcher's clone refused by the real kernel, in child JVMs ({@link Clone3RefusedProbe}): ENOSPC in a
     * user namespace whose user.max_user_namespaces is 0 (set there, never on the host: the limit is per
     * user namespace), and EPERM from a seccomp filter like Docker's default profile. The distributions'
     * sysctls for unprivileged user namespaces cannot be set without changing the host for every other
     * process (this kernel has neither), so {@link HintProbe} reaches that hint by injecting EPERM.
     */
    private static List<String> realClone3Refusals() throws Exception {
        List<String> limit = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "sh", "-c",
                "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\"", "sh"));
        limit.addAll(dev.panamax.ChildJvm.command(Clone3RefusedProbe.class, root.path().toString(), "limit"));
        List<String> out = new ArrayList<>(WithoutClone3Test.run(limit, "reached"));
        out.addAll(WithoutClone3Test.run(dev.panamax.ChildJvm.command(Clone3RefusedProbe.class,
                root.path().toString(), "docker"), "reached"));
        return out;
    }

    /** Root launches that together emit every step with a root hint. */
    /**
     * The AppArmor step's hints, injected at that step only: on a host without AppArmor the real write fails (as
     * runc's does), so no later step of such a spec can be reached to inject there.
     */
    private static Set<String> appArmorRefusals() {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("true").appArmorProfile("pmx-test")
                .build();
        var steps = dev.panamax.program.SpecCompiler.plan(spec).steps();
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < steps.size(); i++) {
            for (Hint h : steps.get(i).hints()) {
                if (h.cause() != Hint.Cause.APPARMOR_PROFILE_REFUSED) {
                    continue;
                }
                for (String errnoName : h.cause().errnos()) {
                    int faulty = i;
                    int errno = Errno.number(errnoName);
                    String expected = ". Hint: " + dev.panamax.program.SpecCompiler.hintFor(spec, steps.get(i).hints(),
                            errno).orElseThrow().text();
                    try (var c = Launch.start(spec, s -> s == faulty, errno)) {
                        c.waitFor();
                    } catch (LaunchException e) {
                        if (e.getMessage().endsWith(expected) && e.errnoName().equals(errnoName)) {
                            out.add(h.cause() + ":" + errnoName);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
        return out;
    }

    private static List<ContainerSpec> rootSpecs() {
        ContainerSpec.Builder rich = ContainerSpec.builder().rootfs(root.path()).hostname("box")
                .command("true").stdout(Stdio.discard()).stderr(Stdio.discard())
                .mount(Mount.tmpfs("/tmp"))
                .ambientCapabilities(Capability.NET_BIND_SERVICE)
                .rlimit(Rlimit.NOFILE, 1024, 1024).oomScoreAdj(100)
                .sysctl("kernel.shmmax", "1000000")
                .resources(Resources.builder().memoryMax(DataSize.ofMegabytes(64)).build());
        ContainerSpec joining = ContainerSpec.builder().rootfs(root.path()).command("true")
                .joinNamespace(dev.panamax.sys.Namespace.NET, java.nio.file.Path.of("/proc/self/ns/net")).build();
        return List.of(rich.build(), joining);
    }

    @Test
    void aStepShowsItsOwnHintBeforeOneForEveryStep() {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).command("true")
                .resources(Resources.builder().memoryMax(DataSize.ofMegabytes(64)).build()).build();
        var steps = dev.panamax.program.SpecCompiler.plan(spec).steps();
        var execve = steps.getLast();
        assertEquals("execve", execve.syscall());
        assertEquals(Hint.Cause.EXECUTABLE_MISSING, dev.panamax.program.SpecCompiler.hintFor(spec, execve.hints(),
                Errno.number("ENOENT")).orElseThrow().cause());
        assertTrue(steps.stream().allMatch(s -> dev.panamax.program.SpecCompiler.hintFor(spec, s.hints(),
                Errno.number("ENOMEM")).orElseThrow().cause() == Hint.Cause.MEMORY_LIMIT),
                "a memory limit explains ENOMEM at any step");
    }
}
