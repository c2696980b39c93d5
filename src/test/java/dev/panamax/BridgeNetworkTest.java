package dev.panamax;

import dev.panamax.net.BridgeNetwork;
import dev.panamax.net.Bridges;
import dev.panamax.net.IpPrefix;
import dev.panamax.net.Network;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers on a bridge network, end to end through the launch: eth0 with a leased address, routes and MTU,
 * the container's /etc files; two containers reaching each other; NAT to an "outside" namespace of the test's
 * own; published ports from the host's loopback; and nothing left behind. Each test class uses a bridge and
 * subnet of its own ({@link NetTestHost}), removed afterwards with Panamax's table if the test made it.
 */
@Tag("kernel")
class BridgeNetworkTest extends BusyboxTest {
    private static NetTestHost host;
    private static BridgeNetwork network;

    @BeforeAll
    static void network() throws Exception {
        host = NetTestHost.open();
        network = host.bridge("pmxbr", 10, 0);
    }

    @AfterAll
    static void removeNetwork() throws Exception {
        host.close();
    }

    @Test
    void aBridgedContainerHasEth0ItsLeasedAddressARouteAndItsEtcFiles() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(root.path()).hostname("web").network(Network.bridge(network))
                .command("sh", "-c", "ip -o addr show eth0; ip route; cat /etc/hosts /etc/hostname /etc/resolv.conf")
                .stdout(Stdio.pipe()).stderr(Stdio.pipe()).build();
        try (Container c = Launcher.launch(spec)) {
            Run r = Run.of(c, spec.process().argv()).ok();
            InetAddress address = c.addresses().getFirst();
            assertTrue(network.subnet().contains(address), address + " in " + network.subnet());
            String out = r.stdout();
            assertTrue(out.contains("inet " + address.getHostAddress() + "/" + network.subnet().length()), out);
            assertTrue(out.contains("default via " + network.gateway().getHostAddress() + " dev eth0"), out);
            assertTrue(out.lines().anyMatch(l -> l.matches(address.getHostAddress() + "\\s+web")), out);
            assertTrue(out.contains("web\n"), out);
        }
    }
}
