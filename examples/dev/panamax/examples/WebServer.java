package dev.panamax.examples;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.mount.Mount;
import dev.panamax.net.Network;
import dev.panamax.net.PortMapping;
import dev.panamax.rootfs.Rootfs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A web server in a container: busybox {@code httpd} on the bridge network {@code panamax0}, its port 80
 * published on the host's port 8080 (or the first argument), fetched from the host with Java's {@code HttpClient}
 * at {@code http://127.0.0.1:8080/}, as users expect.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@web [-Dargs=PORT]     # as root; busybox-static installed
 * </pre>
 *
 * <p>The bridge {@code panamax0} (10.89.0.0/24) and Panamax's nftables table stay after the example, as
 * podman's network does; {@code Bridges.remove(BridgeNetwork.defaults())} and
 * {@code new Nftables().removeTable()} remove them.
 */
public final class WebServer {
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    private WebServer() {
    }

    public static void main(String[] args) {
        Examples.run("web", () -> {
            int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
            if (!Files.isExecutable(BUSYBOX)) {
                Examples.fail("web", BUSYBOX + " is missing: apt-get install busybox-static");
            }
            Path cache = Path.of(System.getProperty("panamax.rootfs", Examples.DEFAULT_CACHE.toString()) + "-web");
            Path rootfs = Rootfs.fromHost(cache, BUSYBOX.toString());
            Path www = Files.createTempDirectory("panamax-www");
            try {
                Files.writeString(www.resolve("index.html"), "<h1>Hello from a Panamax container</h1>\n");
                ContainerSpec spec = ContainerSpec.builder()
                        .rootfs(rootfs)
                        .hostname("web")
                        .network(Network.bridge())                          // eth0 on panamax0, NAT outbound
                        .publish(PortMapping.tcp(port, 80))                 // host 8080 -> container 80
                        .mount(Mount.bind(www, "/www").asReadOnly())
                        .command("/usr/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www")
                        .build();
                try (Container c = Launcher.launch(spec)) {
                    System.out.println("httpd runs in the container at " + c.addresses().getFirst().getHostAddress()
                            + ", published on the host's port " + port);
                    String body = fetch(URI.create("http://127.0.0.1:" + port + "/"));
                    System.out.print("GET http://127.0.0.1:" + port + "/ -> " + body);
                }
                System.out.println("Finished! The container, its veth, address and port rule are gone.");
                return 0;
            } finally {
                Files.deleteIfExists(www.resolve("index.html"));
                Files.deleteIfExists(www);
            }
        });
    }

    /** The body at {@code uri}, asked again while the server starts (up to 5 s). */
    private static String fetch(URI uri) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException notYet) {
                last = notYet;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
