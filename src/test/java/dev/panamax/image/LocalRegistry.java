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
 * a directory of the test's; optionally with htpasswd Basic auth, or serving TLS on another loopback address
 * ({@link #startTls}). {@link #close()} stops it.
 */
final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final String host;
    private final int port;
    private final Path log;

    private LocalRegistry(Process process, String host, int port, Path log) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.log = log;
    }

    /** A test CA's certificate and a server certificate it signed, with the server's key (PEM files). */
    record Tls(Path ca, Path certificate, Path key) {
        /**
         * Makes them with openssl in {@code dir}: a self-signed CA and a certificate for IP address {@code ip}
         * (its subjectAltName), EC P-256 keys, valid for two days.
         */
        static Tls make(Path dir, String ip) throws IOException {
            Fixtures.assumeTools("openssl");
            Files.createDirectories(dir);
            Tls tls = new Tls(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"));
            Path caKey = dir.resolve("ca.key");
            Path request = dir.resolve("server.csr");
            String ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
            openssl("req -x509 -days 2 " + ec + "-subj /CN=panamax-test-ca -keyout " + caKey + " -out " + tls.ca());
            openssl("req " + ec + "-subj /CN=" + ip + " -addext subjectAltName=IP:" + ip + " -keyout " + tls.key()
                    + " -out " + request);
            openssl("x509 -req -in " + request + " -CA " + tls.ca() + " -CAkey " + caKey + " -set_serial 2"
                    + " -copy_extensions copy -days 2 -out " + tls.certificate());
            return tls;
        }

        /** Runs openssl with arguments separated by spaces (the test's paths have none). */
        private static void openssl(String arguments) throws IOException {
            List<String> command = new ArrayList<>(List.of("openssl"));
            command.addAll(List.of(arguments.split(" ")));
            Fixtures.run(command.toArray(String[]::new));
        }
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
        return start(dir, user, password, "127.0.0.1", null);
    }

    /**
     * Starts a registry in {@code dir} serving TLS with {@code tls}'s certificate on {@code host} (another loopback
     * address, e.g. 127.0.0.2: Linux routes all of 127.0.0.0/8 to lo, and the client reaches it with https).
     */
    static LocalRegistry startTls(Path dir, String host, Tls tls) throws IOException {
        return start(dir, null, null, host, tls);
    }

    private static LocalRegistry start(Path dir, String user, String password, String host, Tls tls)
            throws IOException {
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
                  addr: %s:%d
                """.formatted(dir.resolve("storage"), host, port));
        if (tls != null) {
            config.append("""
                      tls:
                        certificate: %s
                        key: %s
                    """.formatted(tls.certificate(), tls.key()));
        }
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
        LocalRegistry registry = new LocalRegistry(p, host, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                // a TLS registry answers plain HTTP with 400: up as well
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + ":" + port + "/v2/").toURL()
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

    /** {@code HOST:PORT}, e.g. {@code 127.0.0.1:PORT}. */
    String address() {
        return host + ":" + port;
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
