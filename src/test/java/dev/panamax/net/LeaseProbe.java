package dev.panamax.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Test probe run in a child JVM: waits for a go file (so that several JVMs start acquiring together), acquires
 * leases in a directory, prints each address on a line, then "done", and sleeps until killed or, with
 * {@code exit}, exits without releasing them.
 *
 * <pre>{@code
 * ChildJvm.start(LeaseProbe.class, dir.toString(), "10.90.0.0/24", "20", goFile.toString(), "exit");
 * }</pre>
 */
public final class LeaseProbe {
    private LeaseProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args lease directory, IPv4 subnet, how many leases, go file, then {@code exit} or {@code sleep}
     * @throws Exception on any failure (the parent sees the trace in the output)
     */
    public static void main(String[] args) throws Exception {
        BridgeNetwork network = new BridgeNetwork("pmxprobe", IpPrefix.parse(args[1]),
                Optional.of(IpPrefix.parse("fd89:99::/64")), 1500);
        Leases leases = new Leases(network, Path.of(args[0]));
        Path go = Path.of(args[3]);
        System.out.println("ready");
        while (!Files.exists(go)) {
            Thread.onSpinWait();
        }
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            Lease lease = leases.acquire(ProcessHandle.current().pid());
            lease.describe("pmxp" + i, List.of(PortMapping.tcp(20000 + i, 80)));
            System.out.println(IpPrefix.literal(lease.address()));
        }
        System.out.println("done");
        System.out.flush();
        if (args[4].equals("sleep")) {
            Thread.sleep(600_000);
        }
    }
}
