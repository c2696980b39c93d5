package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ContainerControlTest}: creates a container in the rootfs of the first argument with
 * a 64 MiB memory and a 32 pids limit, at the cgroup path of the second argument ({@code -}: the runtime's own
 * name), running {@code sh -c} with the third; prints its start record and exits, leaving it unstarted.
 */
public final class ControlProbe {
    private ControlProbe() {
    }

    public static void main(String[] args) {
        ContainerSpec spec = ContainerSpec.builder().rootfs(Path.of(args[0])).command("sh", "-c", args[2])
                .resources(Resources.builder().memoryMax(DataSize.parse("64m")).pidsMax(32).build())
                .stdin(Stdio.discard()).stdout(Stdio.discard()).stderr(Stdio.discard()).build();
        CreateOptions options = args[1].equals("-") ? CreateOptions.defaults()
                : CreateOptions.defaults().withCgroupPath(args[1]);
        CreatedContainer c = Launcher.create(spec, options);
        System.out.println(c.startRecord().text());
        System.out.flush();
    }
}
