package dev.panamax;

import dev.panamax.net.BridgeNetwork;
import dev.panamax.net.IpPrefix;
import dev.panamax.net.Network;
import dev.panamax.net.PortMapping;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link BridgeNetworkTest}: launches a container on the bridge {@code args[1]} with the
 * subnet {@code args[2]} (no IPv6) and the TCP port {@code args[3]} published, prints its address, then waits to
 * be killed with SIGKILL: its lease and port rule stay behind for the next launch on that network to reclaim.
 */
public final class BridgeProbe {
    private BridgeProbe() {
    }

    public static void main(String[] args) throws Exception {
        BridgeNetwork network = BridgeNetwork.defaults().withName(args[1]).withSubnet(IpPrefix.parse(args[2]))
                .withoutIpv6();
        Container c = Launcher.launch(ContainerSpec.builder().rootfs(Path.of(args[0])).network(Network.bridge(network))
                .publish(PortMapping.tcp(Integer.parseInt(args[3]), 80)).command("sleep", "600").build());
        System.out.println("address " + c.addresses().getFirst().getHostAddress());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
