package dev.panamax.image;

import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (distribution 2.8) on 127.0.0.1 at a free port, with its config and storage in
 * a directory of the test's; optionally with htpasswd Basic auth. {@link #close()} stops it.
 */
final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private LocalRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** A free TCP port on 127.0.0.1 (closed again: another process could take it, rarely). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts a registry in {@code dir}; with Basic auth for {@code user}/{@code password} unless user is null.
     */
    static LocalRegistry start(Path dir, String user, String password) throws IOException {
        Fixtures.assumeTools("docker-registry");
        int port = freePort();
        Files.createDirectories(dir.resolve("storage"));
        StringBuilder config = new StringBuilder("""
                version: 0.1
                log:
                  level: info
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("storage"), port));
        if (user != null) {
            Fixtures.assumeTools("htpasswd");
            Path htpasswd = dir.resolve("htpasswd");
            Files.writeString(htpasswd, Fixtures.run("htpasswd", "-Bbn", user, password).strip() + "\n");
            config.append("""
                    auth:
                      htpasswd:
                        realm: panamax-test
                        path: %s
                    """.formatted(htpasswd));
        }
        Path file = dir.resolve("config.yml");
        Files.writeString(file, config);
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder("docker-registry", "serve", file.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LocalRegistry registry = new LocalRegistry(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL()
                        .openConnection();
                c.getResponseCode();
                c.disconnect();
                return registry;
            } catch (ConnectException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    registry.close();
                    throw new IOException("docker-registry did not start: " + Files.readString(log), e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    registry.close();
                    throw new IOException(ie);
                }
            }
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /**
     * Pushes {@code oci:LAYOUT:TAG} as {@code ADDRESS/REPO:TAG} with skopeo (credentials {@code u:p} or null), with
     * skopeo's further options (e.g. {@code --all}, {@code --format v2s2}).
     */
    void push(Path layout, String tag, String repoAndTag, String creds, String... options) throws IOException {
        Fixtures.assumeTools("skopeo");
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy", "-q",
                "--dest-tls-verify=false"));
        if (creds != null) {
            command.addAll(List.of("--dest-creds", creds));
        }
        command.addAll(List.of(options));
        command.addAll(List.of("oci:" + layout + ":" + tag, "docker://" + address() + "/" + repoAndTag));
        Fixtures.run(command.toArray(String[]::new));
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
