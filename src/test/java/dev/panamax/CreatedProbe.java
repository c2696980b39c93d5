package dev.panamax;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link CreatedContainerTest}: creates a container in the rootfs given as first argument
 * that writes "started" to {@code /data/out} (the host directory of the second argument) and exits 7, prints
 * its start record, then exits ({@code exit}) or waits to be killed ({@code wait}), leaving it unstarted.
 */
public final class CreatedProbe {
    private CreatedProbe() {
    }

    public static void main(String[] args) throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(Path.of(args[0]))
                .mount(dev.panamax.mount.Mount.bind(Path.of(args[1]), "/data"))
                .command("sh", "-c", "echo started > /data/out; exit 7")
                .stdin(Stdio.discard()).stdout(Stdio.discard()).stderr(Stdio.discard()).build();
        CreatedContainer c = Launcher.create(spec);
        System.out.println(c.startRecord().text());
        System.out.flush();
        if (args[2].equals("wait")) {
            Thread.sleep(600_000);
        }
    }
}
