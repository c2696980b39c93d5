package dev.panamax.nativeaccess;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.LaunchException;
import dev.panamax.Launcher;
import dev.panamax.Rlimit;
import dev.panamax.Stdio;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.DeviceRule;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Mount;
import dev.panamax.mount.Propagation;
import dev.panamax.seccomp.ArgCondition;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Run by {@link NativeAccessTest} in a JVM that denies native access: builds and validates specs, then asks for a
 * plan and a launch, and prints one line per outcome ({@code built ...}, {@code invalid <field>},
 * {@code plan refused: <message>}, {@code launch refused: <message>}, {@code launcher threads: <n>}).
 */
public final class DeniedProbe {
    private DeniedProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("panamax-denied-");
        try {
            ContainerSpec spec = ContainerSpec.builder().rootfs(root).hostname("box").command("sh", "-c", "true")
                    .env("A", "b").stdout(Stdio.pipe())
                    .resources(Resources.builder().memoryMax(DataSize.ofMegabytes(64)).pidsMax(100)
                            .cpu(CpuLimit.cores(0.5)).device(DeviceRule.allow("c 1:3 rwm")).build())
                    .readOnlyRoot(true).init(true)
                    .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(16)))
                    .mount(Mount.bind(root, "/data").asReadOnly().withPropagation(Propagation.SLAVE))
                    .mount(Mount.sysfs())
                    .capabilities(Set.of(Capability.NET_BIND_SERVICE))
                    .rlimit(Rlimit.NOFILE, 100, 200)
                    .seccomp(SeccompProfile.defaultProfile().toBuilder()
                            .remove("ptrace").rule("ptrace", SeccompAction.errno(1)))
                    .build();
            System.out.println("built " + spec.namespaces().size() + " namespaces, seccomp "
                    + spec.hardening().seccomp().isPresent());
            ContainerSpec rootless = ContainerSpec.builder().mapCurrentUserToRoot().rootfs(root).command("id").build();
            System.out.println("built rootless " + rootless.has(Namespace.USER));
            ContainerSpec mapped = ContainerSpec.builder().namespaces(Namespace.USER, Namespace.MOUNT).rootfs(root)
                    .uidMap(IdMap.of(0, 100000, 65536)).gidMap(IdMap.of(0, 100000, 65536)).command("id").build();
            System.out.println("built mapped " + mapped.users().present());
            ContainerSpec rest = ContainerSpec.builder().namespaces(EnumSet.allOf(Namespace.class))
                    .ephemeralRoot(root).keepUpperDir(root.resolve("upper")).chroot().domainname("d")
                    .inheritEnvironment().workingDirectory("/").stdin(Stdio.file(root.resolve("in")))
                    .stderr(Stdio.append(root.resolve("err"))).terminal(true).dieWithParent(false)
                    .newSession(false).addCapability("CAP_NET_ADMIN").dropCapability(Capability.CHOWN)
                    .ambientCapabilities(Capability.NET_ADMIN).noNewPrivileges(false)
                    .mount(Mount.cgroupView()).mount(Mount.devpts()).mount(Mount.mqueue())
                    .mount(Mount.overlay(List.of(root), root, root, "/o")).minimalDev(false)
                    .maskedPaths(List.of("/proc/kcore")).readOnlyPaths(List.of("/proc/sys"))
                    .seccomp(SeccompProfile.builder(SeccompAction.ALLOW)
                            .rule("personality", SeccompAction.EPERM, ArgCondition.maskedEq(0, 0xff, 8)))
                    .oomScoreAdj(100).umask(022).uidMap(IdMap.of(0, 100000, 65536)).gidMap(IdMap.of(0, 100000, 65536))
                    .user(1000, 1000).supplementaryGroups(10, 20).command("id").build();
            System.out.println("built every option " + rest.namespaces().size());
            try {
                ContainerSpec.builder().rootfs(root).command().build();
            } catch (InvalidSpecException e) {
                System.out.println("invalid " + e.field());
            }
            try {
                Launcher.plan(spec);
                System.out.println("plan made");
            } catch (IllegalCallerException e) {
                System.out.println("plan refused: " + e.getMessage());
            }
            try (var c = Launcher.launch(spec)) {
                System.out.println("launched " + c.pid());
            } catch (LaunchException e) {
                System.out.println("launch refused: " + e.getMessage());
            }
            long launchers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("panamax-")).count();
            System.out.println("launcher threads: " + launchers);
        } finally {
            Files.delete(root);
        }
    }
}
