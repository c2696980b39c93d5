package dev.panamax;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link DieWithParentTest}: launches {@code sleep 1000} in the rootfs given as
 * argument, prints the container's pid, then waits to be killed.
 */
public final class DieWithParentProbe {
    private DieWithParentProbe() {
    }

    public static void main(String[] args) throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(Path.of(args[0])).command("sleep", "1000").build();
        Container c = Launcher.launch(spec);
        System.out.println(c.pid());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
