package dev.panamax.net;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import dev.panamax.sys.Namespace;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs in a child JVM (as root, or as an unprivileged user for the rootless case): launches a container in new
 * user (when not root), mount, pid, uts, ipc and net namespaces, starts {@link UserModeNetwork} for it, and
 * reports on stdout one fact a line: {@code net:<tool> <helper pid>}, {@code container:<pid>}, {@code out:<a line
 * of the container>}, {@code error:<message>}, {@code closed}. The container waits for a line before it uses the
 * network: it says the gateway ({@code out:gw=...}), sends {@code ping} to the test's server on the host's
 * loopback through the gateway and prints the answer, then serves {@code container-page} with busybox httpd on
 * port 80 ({@code out:serving}). The probe closes the helper and the container when its own stdin gives a line
 * (or ends). Uses no JUnit.
 *
 * <pre>{@code
 * java -cp target/classes:target/test-classes dev.panamax.net.UserModeNetworkProbe \
 *     ROOTFS SERVER_PORT PUBLISHED_PORT RUNTIME_DIR pasta
 * }</pre>
 */
public final class UserModeNetworkProbe {
    /** The container's script: wait, then client through the gateway, then server on port 80. */
    static String script(int serverPort) {
        return "read x; gw=$(ip route | awk '/^default/ {print $3; exit}'); echo gw=$gw;"
                + " echo ping | timeout 5 nc $gw " + serverPort + " | head -n 1;"
                + " mkdir -p /tmp/www; echo container-page > /tmp/www/index.html; echo serving;"
                + " exec httpd -f -p 80 -h /tmp/www";
    }

    /** The namespaces of a rootless container: user (uid 0 inside, the caller outside), mount, pid, uts, ipc, net. */
    static ContainerSpec.Builder spec(Path rootfs, String script) {
        ContainerSpec.Builder b = ContainerSpec.builder()
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET)
                .rootfs(rootfs).hostname("box").command("sh", "-c", script)
                .stdin(Stdio.pipe()).stdout(Stdio.pipe()).stderr(Stdio.inherit());
        return b.mapCurrentUserToRoot();
    }

    private UserModeNetworkProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path rootfs = Path.of(args[0]);
        int serverPort = Integer.parseInt(args[1]);
        int published = Integer.parseInt(args[2]);
        Path runtimeDir = Path.of(args[3]);
        UserModeNetwork.Tool tool = UserModeNetwork.Tool.valueOf(args[4].toUpperCase());
        try (Container c = Launcher.launch(spec(rootfs, script(serverPort)).build())) {
            System.out.println("container:" + c.pid());
            try (UserModeNetwork net = UserModeNetwork.start(c.pid(), List.of(new UserModeNetwork.Port("tcp",
                    InetAddress.getLoopbackAddress(), published, 80)), runtimeDir, tool, List.of())) {
                System.out.println("net:" + net.tool() + " " + net.pid());
                System.out.flush();
                c.stdin().write('\n');
                c.stdin().flush();
                BufferedReader out = new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println("out:" + line);
                    System.out.flush();
                    if (line.equals("serving")) {
                        break;
                    }
                }
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } finally {
                c.destroyForcibly();
                c.waitFor(Duration.ofSeconds(10));
            }
            System.out.println("closed");
        } catch (RuntimeException e) {
            System.out.println("error:" + e.getClass().getSimpleName() + ": " + e.getMessage().replace('\n', ' '));
        }
        System.out.flush();
        System.exit(0);
    }
}
