package dev.panamax.image;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pulls over TLS from a real registry: Debian's {@code docker-registry} serving a certificate for IP address
 * 127.0.0.2 (not the plain-HTTP loopback 127.0.0.1, so the client uses https) signed by a CA openssl made for the
 * test, the busybox image pushed by skopeo. One registry for the class. Tagged {@code kernel}: docker-registry,
 * skopeo, umoci, busybox-static and openssl are packages ({@code .ci/deps}).
 */
@Tag("kernel")
class RegistryTlsTest {
    private static final String HOST = "127.0.0.2";

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static LocalRegistry.Tls tls;
    private static LocalRegistry registry;
    private static Path layout;

    @BeforeAll
    static void startRegistry() throws IOException {
        tls = LocalRegistry.Tls.make(shared.resolve("tls"), HOST);
        layout = Fixtures.busyboxLayout(shared.resolve("image"), "1.0");
        registry = LocalRegistry.startTls(shared.resolve("registry"), HOST, tls);
        registry.push(layout, "1.0", "pmx/app:1.0", null);
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        if (registry != null) {
            registry.close();
        }
    }

    /** Retries with a backoff of seconds: a failure that was retried cannot be fast. */
    private static RegistryClient.Builder slowRetries() {
        return RegistryClient.builder().retries(3, Duration.ofSeconds(2));
    }

    @Test
    void withItsCaTrustedThePullGivesTheLayersOfTheLayoutImport() throws Exception {
        ImageReference ref = ImageReference.parse(registry.address() + "/pmx/app:1.0");
        RegistryClient client = slowRetries().trustCertificates(tls.ca()).build();
        assertEquals("https://" + registry.address() + "/", client.base(ref.registry()).toString());

        ImageStore pulled = ImageStore.open(dir.resolve("pulled"));
        ImageRecord image = pulled.pull(ref, client);
        ImageStore imported = ImageStore.open(dir.resolve("imported"));
        ImageRecord local = imported.importLayout(layout, "pmx/app:1.0");
        assertEquals(imported.manifest(local).layers(), pulled.manifest(image).layers());
        assertEquals(imported.config(local), pulled.config(image));
        assertEquals(Files.size(Path.of("/usr/bin/busybox")),
                Files.size(pulled.layers(image).get(0).resolve("bin/busybox")));
    }

    @Test
    void anUntrustedCertificateFailsAtOnceNamingTheRegistryAndWhatToDo() throws Exception {
        ImageReference ref = ImageReference.parse(registry.address() + "/pmx/app:1.0");
        ImageStore store = ImageStore.open(dir.resolve("store"));
        long start = System.nanoTime();
        RegistryException e = assertThrows(RegistryException.class, () -> store.pull(ref, slowRetries().build()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "retried: took " + took);
        assertEquals(0, e.status());
        assertTrue(e.getMessage().startsWith("registry " + registry.address() + ": TLS handshake failed with "
                + registry.address() + " (manifest " + ref + "): "), e.getMessage());
        assertTrue(e.getMessage().contains("PKIX path building failed"), e.getMessage());
        assertTrue(e.getMessage().contains("trustCertificates"), e.getMessage());
        assertTrue(store.list().isEmpty());
    }

    /** The same certificate (for 127.0.0.2) served at 127.0.0.3: trusted CA, but not this host's certificate. */
    @Test
    void aCertificateForAnotherAddressFailsNamingIt() throws Exception {
        try (LocalRegistry other = LocalRegistry.startTls(dir.resolve("other"), "127.0.0.3", tls)) {
            ImageReference ref = ImageReference.parse(other.address() + "/pmx/app:1.0");
            ImageStore store = ImageStore.open(dir.resolve("store"));
            long start = System.nanoTime();
            RegistryException e = assertThrows(RegistryException.class,
                    () -> store.pull(ref, slowRetries().trustCertificates(tls.ca()).build()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "retried: took " + took);
            assertTrue(e.getMessage().startsWith("registry " + other.address() + ": TLS handshake failed with "
                    + other.address()), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.3 found"), e.getMessage());
        }
    }

    @Test
    void anUnreadableOrInvalidPemFileIsNamed() throws Exception {
        Path missing = dir.resolve("missing.crt");
        IOException none = assertThrows(IOException.class, () -> RegistryClient.builder().trustCertificates(missing));
        assertTrue(none.getMessage().startsWith("trustCertificates: cannot read " + missing), none.getMessage());

        Path key = tls.key(); // PEM, but a key, not a certificate
        IOException invalid = assertThrows(IOException.class, () -> RegistryClient.builder().trustCertificates(key));
        assertTrue(invalid.getMessage().startsWith("trustCertificates: " + key + " is not a valid PEM certificate"),
                invalid.getMessage());

        Path empty = Files.writeString(dir.resolve("empty.crt"), "");
        IOException nothing = assertThrows(IOException.class, () -> RegistryClient.builder().trustCertificates(empty));
        assertEquals("trustCertificates: " + empty + " holds no certificate", nothing.getMessage());
    }
}
