package dev.panamax.cli;

import dev.panamax.CreateOptions;
import dev.panamax.CreatedContainer;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import dev.panamax.oci.OciConfig;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ExecOperationTest}: creates the container of the bundle in the first argument (its
 * streams discarded) at the cgroup path of the second, prints its start record and exits, leaving it unstarted.
 */
public final class OciCreateProbe {
    private OciCreateProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args[0]);
        var spec = OciConfig.read(bundle.resolve("config.json")).toSpec(bundle).toBuilder()
                .stdin(Stdio.discard()).stdout(Stdio.discard()).stderr(Stdio.discard()).build();
        CreatedContainer c = Launcher.create(spec, CreateOptions.defaults().withCgroupPath(args[1]));
        System.out.println(c.startRecord().text());
        System.out.flush();
    }
}
