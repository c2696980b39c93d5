package dev.panamax.image;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pulls from a real {@code docker-registry} with htpasswd Basic auth using credentials files the test writes (as
 * {@code podman login} and {@code docker login} do), found through an environment map of the test's. Tagged
 * {@code kernel} as {@link RegistryPullTest}: docker-registry, apache2-utils, skopeo and umoci are packages.
 */
@Tag("kernel")
class RegistryCredentialsTest {
    @TempDir
    Path dir;

    private static String authJson(String key, String user, String password) {
        return "{\"auths\":{\"" + key + "\":{\"auth\":\"" + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\"}}}";
    }

    @Test
    void anAuthFileGivesTheCredentialsAndAWrongOneIsNamedWithoutItsPassword() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), "alice", "s3cret")) {
            registry.push(layout, "1.0", "pmx/app:1.0", "alice:s3cret");
            ImageReference ref = ImageReference.parse(registry.address() + "/pmx/app:1.0");
            ImageStore store = ImageStore.open(dir.resolve("store"));

            // podman's file under XDG_RUNTIME_DIR with a wrong password: refused, the file named, not the password
            Path runtime = dir.resolve("run");
            Path podman = Files.createDirectories(runtime.resolve("containers")).resolve("auth.json");
            Files.writeString(podman, authJson(registry.address(), "alice", "wrong-Pa55"));
            Path home = Files.createDirectories(dir.resolve("home"));
            Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString());
            RegistryException refused = assertThrows(RegistryException.class, () -> store.pull(ref,
                    RegistryClient.builder().credentialsFromAuthFiles(env, home).build()));
            assertEquals(401, refused.status());
            assertEquals("registry " + registry.address() + ": 401 Unauthorized for " + ref
                    + ": it refused the credentials of user 'alice' from " + podman, refused.getMessage());
            assertFalse(refused.getMessage().contains("wrong-Pa55"));
            assertTrue(store.list().isEmpty());

            // docker's file in the home directory, keyed by URL, with the right one
            Path docker = Files.createDirectories(home.resolve(".docker")).resolve("config.json");
            Files.writeString(docker, authJson("http://" + registry.address() + "/v2/", "alice", "s3cret"));
            Files.delete(podman);
            ImageRecord image = store.pull(ref, RegistryClient.builder().credentialsFromAuthFiles(env, home).build());
            assertEquals(image, store.find(ref).orElseThrow());

            // $REGISTRY_AUTH_FILE comes first; explicit credentials win over every file
            Path explicit = dir.resolve("explicit.json");
            Files.writeString(explicit, authJson(registry.address(), "alice", "stale"));
            Map<String, String> env2 = Map.of("REGISTRY_AUTH_FILE", explicit.toString());
            store.remove(ref);
            store.prune();
            RegistryException stale = assertThrows(RegistryException.class, () -> store.pull(ref,
                    RegistryClient.builder().credentialsFromAuthFiles(env2, home).build()));
            assertTrue(stale.getMessage().endsWith("from " + explicit), stale.getMessage());
            store.pull(ref, RegistryClient.builder().credentialsFromAuthFiles(env2, home)
                    .credentials(registry.address(), "alice", "s3cret").build());
            assertTrue(store.find(ref).isPresent());

            // no entry in any file: the files looked in are named
            Files.writeString(explicit, authJson("other.example", "bob", "x"));
            Files.delete(docker);
            store.remove(ref);
            RegistryException none = assertThrows(RegistryException.class, () -> store.pull(ref,
                    RegistryClient.builder().credentialsFromAuthFiles(env2, home).build()));
            assertTrue(none.getMessage().contains("it needs credentials (none given; none in " + explicit + ")"),
                    "only the file that exists is named: " + none.getMessage());

            // no file at all: said so, with where it looked
            Files.delete(explicit);
            RegistryException noFile = assertThrows(RegistryException.class, () -> store.pull(ref,
                    RegistryClient.builder().credentialsFromAuthFiles(env2, home).build()));
            assertTrue(noFile.getMessage().contains("it needs credentials (none given; no credentials file (looked for "
                    + explicit + ", " + docker + "))"), noFile.getMessage());
        }
    }
}
