package dev.panamax;

import dev.panamax.net.BridgeNetwork;
import dev.panamax.net.Network;
import dev.panamax.net.PortMapping;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network part of a spec: modes against the namespaces, published ports, value equality. Pure. */
class NetworkSpecTest {
    private static ContainerSpec.Builder spec() {
        return ContainerSpec.builder().command("true");
    }

    private static void refused(String field, String text, Runnable build) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, build::run);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void theDefaultIsLoopbackOnlyInANetworkNamespaceOfItsOwn() {
        ContainerSpec s = spec().build();
        assertEquals(NetworkSpec.NONE, s.network());
        assertTrue(s.has(Namespace.NET));
        assertFalse(s.network().connected());
    }

    @Test
    void theHostsNetworkLeavesOutTheNetworkNamespaceAndRefusesOneSetExplicitly() {
        assertFalse(spec().network(Network.host()).build().has(Namespace.NET));
        refused("network", "leave Namespace.NET out", () -> spec().namespaces(Namespace.MOUNT, Namespace.NET)
                .network(Network.host()).build());
    }

    @Test
    void aBridgeOrUserModeGetsANetworkNamespaceAndNeedsAMountNamespace() {
        assertTrue(spec().network(Network.bridge()).build().network().connected());
        assertTrue(spec().namespaces(Namespace.MOUNT, Namespace.PID).network(Network.bridge()).build()
                .has(Namespace.NET), "asking for a bridge adds the network namespace");
        refused("network", "add Namespace.MOUNT", () -> spec().namespaces(Namespace.NET)
                .network(Network.userMode()).build());
    }

    @Test
    void aJoinedNetworkNamespaceIsAJoin() {
        Path netns = Path.of("/run/netns/lab");
        ContainerSpec s = spec().network(Network.join(netns)).build();
        assertFalse(s.has(Namespace.NET));
        assertEquals(List.of(NamespaceJoin.path(Namespace.NET, netns)), s.joins());
        assertEquals(s, s.toBuilder().build(), "a derived builder does not join it twice");
    }

    @Test
    void portsArePublishedOnlyFromABridgeOrUserModeAndEachHostPortOnce() throws Exception {
        refused("network.ports", "use network(Network.bridge())", () -> spec().publish(PortMapping.tcp(8080, 80))
                .build());
        refused("network.ports", "host port tcp 8080 is published twice", () -> spec().network(Network.bridge())
                .publish(PortMapping.tcp(8080, 80), PortMapping.tcp(8080, 81)).build());
        InetAddress a = InetAddress.ofLiteral("127.0.0.1");
        InetAddress b = InetAddress.ofLiteral("127.0.0.2");
        refused("network.ports", "published twice", () -> spec().network(Network.bridge())
                .publish(PortMapping.tcp(8080, 80).on(a), PortMapping.tcp(8080, 81)).build());
        ContainerSpec ok = spec().network(Network.bridge()).publish(PortMapping.tcp(8080, 80).on(a),
                PortMapping.tcp(8080, 81).on(b), PortMapping.udp(8080, 53)).build();
        assertEquals(3, ok.network().ports().size(), "other addresses and another protocol are other sockets");
    }

    @Test
    void aChosenAddressMustBeAContainerAddressOfTheBridgesSubnet() {
        BridgeNetwork lab = BridgeNetwork.defaults().withName("pmxlab0");
        assertEquals(Optional.of(InetAddress.ofLiteral("10.89.0.9")), ((Network.Bridge) Network.bridge(lab,
                InetAddress.ofLiteral("10.89.0.9"))).address());
        refused("network.address", "10.90.0.9 is outside the subnet 10.89.0.0/24 of the bridge pmxlab0",
                () -> Network.bridge(lab, InetAddress.ofLiteral("10.90.0.9")));
        refused("network.address", "10.89.0.1 is the gateway address of 10.89.0.0/24",
                () -> Network.bridge(lab, InetAddress.ofLiteral("10.89.0.1")));
        refused("network.address", "is the broadcast address",
                () -> Network.bridge(lab, InetAddress.ofLiteral("10.89.0.255")));
    }

    @Test
    void specsWithTheSameNetworkAreEqualAndDerivedBuildersKeepIt() {
        ContainerSpec s = spec().network(Network.bridge(BridgeNetwork.defaults().withName("pmxlab0")))
                .publish(PortMapping.udp(5353, 53)).nameResolution(dev.panamax.net.NameResolution.fromHost()
                        .withSearch("lab")).build();
        assertEquals(s, s.toBuilder().build());
        assertEquals(s.hashCode(), s.toBuilder().build().hashCode());
        assertEquals(Optional.of(List.of("lab")), s.network().names().map(dev.panamax.net.NameResolution::search));
        assertFalse(s.equals(s.toBuilder().network(Network.bridge()).build()));
    }
}
