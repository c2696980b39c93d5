package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.Rlimit;
import dev.panamax.Stdio;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Mount;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Specs that between them reach every group of steps the compiler has: plain, piped, an init, a cgroup (vfork),
 * a user namespace, masks, kept descriptors, joined namespaces, an ephemeral root, images, and one rich spec with
 * nearly every field set. Nothing is read from {@code rootfs}: they are for plans and templates.
 */
final class PlanSpecs {
    private PlanSpecs() {
    }

    /** An image of three layers, all {@code rootfs}. */
    static ContainerImage image(Path rootfs) {
        return new ContainerImage("example/three:1", List.of(rootfs, rootfs, rootfs), false, List.of(),
                List.of("/bin/true"), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The specs, each with {@code rootfs} (or an image of it) as its root. */
    static List<ContainerSpec> varied(Path rootfs) {
        java.util.function.Supplier<ContainerSpec.Builder> base =
                () -> ContainerSpec.builder().rootfs(rootfs).command("/bin/true");
        return List.of(base.get().build(),
                base.get().hostname("box").stdout(Stdio.pipe()).stderr(Stdio.pipe()).stdin(Stdio.pipe())
                        .build(),
                base.get().init(true).build(),
                base.get().resources(Resources.builder().pidsMax(10).build()).build(),
                base.get().init(true).resources(Resources.builder().pidsMax(10).build()).build(),
                base.get().namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID)
                        .uidMap(IdMap.of(0, 1000, 1)).gidMap(IdMap.of(0, 1000, 1)).build(),
                base.get().noSeccomp().maskedPaths(List.of("/proc/acpi", "/srv/secret")).build(),
                base.get().keepFd(0, 5).keepFd(1, 9).init(true).build(),
                base.get().joinNamespace(Namespace.NET, Path.of("/run/netns/blue"))
                        .joinNamespace(Namespace.IPC, Path.of("/run/ipcns/blue")).keepFd(1, 9).init(true).build(),
                ContainerSpec.builder().ephemeralRoot(rootfs).command("/bin/true").build(),
                ContainerSpec.builder().image(image(rootfs)).build(),
                ContainerSpec.builder().image(image(rootfs)).init(true).keepFd(1, 9).build(),
                ContainerSpec.builder().image(image(rootfs)).keepUpperDir(rootfs.resolve("pmx-kept")).build());
    }

    /** Nearly every field set: user namespace, ephemeral root, init, cgroup, capabilities, seccomp, mounts, masks. */
    static ContainerSpec rich(Path rootfs) {
        return ContainerSpec.builder()
                .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.CGROUP)
                .ephemeralRoot(rootfs).keepUpperDir(rootfs.resolve("pmx-upper"))
                .hostname("box").domainname("example")
                .command("sh", "-c", "echo hi").env("GREETING", "hi").workingDirectory("/tmp")
                .stdout(Stdio.pipe()).stderr(Stdio.pipe()).dieWithParent(false).newSession(false).init(true)
                .resources(Resources.builder().memoryMax(DataSize.ofMegabytes(64)).pidsMax(10).build())
                .capabilities(java.util.Set.of(Capability.KILL, Capability.NET_ADMIN)).addCapability("mknod")
                .ambientCapabilities(Capability.NET_ADMIN).noNewPrivileges(false)
                .seccomp(SeccompProfile.defaultProfile().toBuilder().rule("ptrace", SeccompAction.EPERM))
                .rlimit(Rlimit.NOFILE, 1024, 4096).oomScoreAdj(500).umask(027)
                .uidMap(IdMap.of(0, 100000, 65536)).gidMap(IdMap.of(0, 100000, 65536))
                .user(1000, 1000).supplementaryGroups(100, 200)
                .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(16)))
                .mount(Mount.bind(rootfs, "/data").asReadOnly()).mount(Mount.cgroupView())
                .readOnlyRoot(true).maskedPaths(List.of("/proc/kcore")).readOnlyPaths(List.of("/proc/sys"))
                .build();
    }
}
