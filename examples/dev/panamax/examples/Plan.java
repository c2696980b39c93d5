package dev.panamax.examples;

import dev.panamax.ContainerSpec;
import dev.panamax.Capability;
import dev.panamax.IdMap;
import dev.panamax.Launcher;
import dev.panamax.Rlimit;
import dev.panamax.Stdio;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Mount;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;
import java.util.Set;

/**
 * Prints what the child process of a launch will do, syscall by syscall, between clone and execve
 * (nothing is launched): the best way to see how Panamax works, and to debug a spec.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@plan                     # the default rootfs
 * mvn -q -B -DskipTests test-compile exec:exec@plan -Dargs=/srv/rootfs
 * </pre>
 */
public final class Plan {
    private Plan() {
    }

    public static void main(String[] args) {
        Path rootfs = Examples.rootfs(args, 0);
        ContainerSpec spec = ContainerSpec.builder()
                .rootfs(rootfs)
                .hostname("planned")
                .domainname("example.org")
                .env("GREETING", "hello")
                .workingDirectory("/tmp")
                .command("sh", "-c", "echo $GREETING from $(hostname)")
                .resources(Resources.builder().memoryMax(DataSize.ofMegabytes(128)).cpu(CpuLimit.cores(0.5))
                        .pidsMax(32).build())
                .stdout(Stdio.pipe())
                .stderr(Stdio.file(Path.of("/tmp/planned-stderr.log")))
                .terminal(false)
                .readOnlyRoot(true)
                .mount(Mount.tmpfs("/run").withSize(DataSize.ofMegabytes(8)))
                .capabilities(Set.of(Capability.CHOWN, Capability.SETUID, Capability.SETGID))
                .rlimit(Rlimit.NOFILE, 1024, 1024)
                .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET)
                .uidMap(IdMap.of(0, 100_000, 65_536))
                .gidMap(IdMap.of(0, 100_000, 65_536))
                .user(1000, 1000)
                .build();
        System.out.println("# " + spec.process().argv() + " in " + rootfs);
        System.out.print(Launcher.plan(spec));
    }
}
