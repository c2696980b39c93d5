package dev.panamax;

import dev.panamax.cgroup.Resources;

import java.nio.file.Path;

/**
 * Run in child JVMs by {@link OrphanCgroupTest}. {@code hold ROOTFS}: launches {@code sleep 1000} with a cgroup,
 * prints the container's pid and "ready", then waits to be killed. {@code launch ROOTFS}: launches {@code true}
 * with a cgroup, waits for it and exits 0.
 */
public final class OrphanCgroupProbe {
    private OrphanCgroupProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean hold = args[0].equals("hold");
        ContainerSpec spec = ContainerSpec.builder().rootfs(Path.of(args[1])).command(hold ? new String[] {"sleep", "1000"} : new String[] {"true"})
                .resources(Resources.builder().pidsMax(10).build()).build();
        Container c = Launcher.launch(spec);
        if (hold) {
            System.out.println(c.pid());
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(600_000);
        }
        ExitStatus s = c.waitFor();
        c.close();
        System.exit(s.code());
    }
}
