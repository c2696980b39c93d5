package dev.panamax.net;

import dev.panamax.net.UserModeNetwork.Port;
import dev.panamax.net.UserModeNetwork.Tool;
import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The helpers' command lines, the port checks and the choice of tool, without running anything. */
class UserModeNetworkCommandTest {
    private static final Path PID = Path.of("/run/x/pasta.pid");

    @Test
    void pastaConfiguresTheNamespaceForwardsDnsAndPublishesOnlyTheGivenPorts() throws Exception {
        List<Port> ports = List.of(new Port("tcp", InetAddress.getByName("127.0.0.1"), 8080, 80), Port.tcp(8443, 443),
                Port.udp(5353, 53));
        assertEquals(List.of("--foreground", "--quiet", "--config-net", "--dns-forward", "169.254.1.1", "--pid",
                        "/run/x/pasta.pid", "-t", "127.0.0.1/8080:80", "-t", "8443:443", "-u", "5353:53", "-T", "none",
                        "-U", "none", "42"),
                Pasta.arguments(42, ports, PID, false));
    }

    @Test
    void withoutPortsPastaForwardsNothingAndAsRootKeepsUidZero() {
        assertEquals(List.of("--foreground", "--quiet", "--runas", "0", "--config-net", "--dns-forward", "169.254.1.1",
                        "--pid", "/run/x/pasta.pid", "-t", "none", "-u", "none", "-T", "none", "-U", "none", "7"),
                Pasta.arguments(7, List.of(), PID, true));
    }

    @Test
    void slirp4netnsExitsWithItsPipeAndGetsAnApiSocketOnlyForPorts() {
        assertEquals(List.of("--configure", "--mtu=65520", "--disable-host-loopback", "--exit-fd=0", "--ready-fd=3",
                "9", "tap0"), Slirp4netns.arguments(9, null));
        assertEquals(List.of("--configure", "--mtu=65520", "--disable-host-loopback", "--exit-fd=0", "--ready-fd=3",
                "--api-socket=/run/x/s.sock", "9", "tap0"), Slirp4netns.arguments(9, Path.of("/run/x/s.sock")));
        assertEquals("{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"udp\", \"host_addr\": \"0.0.0.0\","
                + " \"host_port\": 5353, \"guest_port\": 53}}", Slirp4netns.hostfwdRequest(Port.udp(5353, 53)));
    }

    @Test
    void slirp4netnsRefusesAnIpv6HostAddressNamingThePort() throws Exception {
        List<Port> ports = List.of(Port.tcp(80, 80), new Port("tcp", InetAddress.getByName("::1"), 81, 81));
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> Slirp4netns.start(Path.of("/nonexistent"), 1, ports, Path.of("/nonexistent"), List.of()));
        assertEquals("ports[1].hostAddress", e.field());
        assertEquals(true, e.getMessage().contains("IPv4 addresses only, not 0:0:0:0:0:0:0:1"), e.getMessage());
    }

    @Test
    void aPortOutOfRangeOrAnUnknownProtocolIsNamed() {
        assertEquals("port.hostPort", assertThrows(InvalidSpecException.class, () -> Port.tcp(0, 80)).field());
        assertEquals("port.containerPort", assertThrows(InvalidSpecException.class, () -> Port.udp(1, 65536)).field());
        assertEquals("port.protocol", assertThrows(InvalidSpecException.class,
                () -> new Port("sctp", null, 1, 1)).field());
    }

    @Test
    void pastaIsPreferredSlirp4netnsIsTheFallbackAndNeitherNamesThePackage(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        String path = a + ":" + b;
        UserModeNetworkException none = assertThrows(UserModeNetworkException.class, () -> Tool.choose(path));
        assertEquals("neither pasta nor slirp4netns is installed (apt-get install passt); rootless networking needs"
                + " one of them in PATH", none.getMessage());
        executable(b.resolve("slirp4netns"));
        assertEquals(Tool.SLIRP4NETNS, Tool.choose(path));
        Files.createFile(a.resolve("pasta")); // not executable: skipped
        assertEquals(Tool.SLIRP4NETNS, Tool.choose(path));
        executable(b.resolve("pasta"));
        assertEquals(Tool.PASTA, Tool.choose(path));
        assertEquals(b.resolve("pasta"), Tool.find(Tool.PASTA, path).orElseThrow());
    }

    private static void executable(Path file) throws Exception {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
}
