package dev.panamax;

import dev.panamax.mount.Mount;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ContainerExecTest}: creates the container of {@link #spec} at the cgroup path of
 * the second argument, prints its start record and exits, leaving it unstarted.
 */
public final class ExecProbe {
    private ExecProbe() {
    }

    /**
     * The container both JVMs agree on: {@code sh -c COMMAND} in the rootfs, standard streams discarded; with
     * {@code hostPts}, the host's {@code /dev/pts} bound in, so that a host terminal has its name inside.
     */
    static ContainerSpec spec(Path rootfs, String command, boolean hostPts) {
        ContainerSpec.Builder b = ContainerSpec.builder().rootfs(rootfs).command("sh", "-c", command)
                .stdin(Stdio.discard()).stdout(Stdio.discard()).stderr(Stdio.discard());
        if (hostPts) {
            b.mount(Mount.bind(Path.of("/dev/pts"), "/dev/pts"));
        }
        return b.build();
    }

    public static void main(String[] args) {
        ContainerSpec spec = spec(Path.of(args[0]), args[2], args.length > 3 && args[3].equals("pts"));
        CreatedContainer c = Launcher.create(spec, CreateOptions.defaults().withCgroupPath(args[1]));
        System.out.println(c.startRecord().text());
        System.out.flush();
    }
}
