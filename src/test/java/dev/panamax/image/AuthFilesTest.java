package dev.panamax.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials files as podman and docker write them (containers-auth.json(5)), read from files the test writes,
 * found through an environment map of the test's (the JVM's own is never changed).
 */
class AuthFilesTest {
    @TempDir
    Path dir;

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        return file;
    }

    @Test
    void theFilesAreReadInPodmansOrderAndTheFirstWithTheRegistryWins() throws Exception {
        Path explicit = write("explicit.json", "{\"auths\":{\"a.example\":{\"auth\":\"" + auth("ann", "1") + "\"}}}");
        Path runtime = write("run/containers/auth.json", "{\"auths\":{\"a.example\":{\"auth\":\"" + auth("bob", "2")
                + "\"},\"b.example:5000\":{\"auth\":\"" + auth("bob", "3") + "\"}}}");
        Path docker = write("home/.docker/config.json", "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                + auth("carl", "4") + "\"},\"http://c.example:5000\":{\"auth\":\"" + auth("carl", "5") + "\"}},"
                + "\"credsStore\":\"desktop\"}");
        AuthFiles files = AuthFiles.of(Map.of("REGISTRY_AUTH_FILE", explicit.toString(),
                "XDG_RUNTIME_DIR", dir.resolve("run").toString()), dir.resolve("home"));
        assertEquals(List.of(explicit, runtime, docker), files.files());

        AuthFiles.Credential a = files.find("a.example", "team/app");
        assertEquals("ann", a.user());
        assertEquals("1", a.secret());
        assertEquals(explicit.toString(), a.source());
        assertEquals("credentials of user 'ann' from " + explicit, a.toString(), "never the password");
        assertEquals("3", files.find("b.example:5000", "app").secret());
        assertEquals("4", files.find("docker.io", "library/busybox").secret(), "docker's URL key for docker.io");
        assertEquals("5", files.find("c.example:5000", "app").secret());
        assertNull(files.find("c.example", "app"), "another port is another registry");
        assertNull(files.find("d.example", "app"));
    }

    @Test
    void aNamespaceKeyWinsForItsRepositoriesOnly() throws Exception {
        Path file = write("auth.json", "{\"auths\":{\"q.example\":{\"auth\":\"" + auth("all", "1")
                + "\"},\"q.example/team\":{\"auth\":\"" + auth("team", "2") + "\"}}}");
        AuthFiles files = AuthFiles.of(Map.of("REGISTRY_AUTH_FILE", file.toString()), null);
        assertEquals("team", files.find("q.example", "team/app").user());
        assertEquals("all", files.find("q.example", "teamster/app").user());
        assertEquals("all", files.find("q.example", "other").user());
    }

    @Test
    void aMissingFileIsSkippedAndARelativeRuntimeDirIgnored() throws Exception {
        AuthFiles files = AuthFiles.of(Map.of("REGISTRY_AUTH_FILE", dir.resolve("none.json").toString(),
                "XDG_RUNTIME_DIR", "relative/run"), dir.resolve("home"));
        assertEquals(List.of(dir.resolve("none.json"), dir.resolve("home/.docker/config.json")), files.files());
        assertNull(files.find("a.example", "app"));
        assertEquals("no credentials file (looked for " + dir.resolve("none.json") + ", "
                + dir.resolve("home/.docker/config.json") + ")", files.nothingFound());
        Path docker = write("home/.docker/config.json", "{\"auths\":{}}");
        assertEquals("none in " + docker, files.nothingFound(), "only the files read are named");
    }

    @Test
    void aMalformedEntryIsNamedWithItsFileButNotItsContent() throws Exception {
        Path file = write("auth.json", "{\"auths\":{\"a.example\":{\"auth\":\"" + auth("nocolon", "") .substring(0, 8)
                + "!!secret\"},\"b.example\":{\"auth\":\"" + Base64.getEncoder().encodeToString(
                "justauser".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        AuthFiles files = AuthFiles.of(Map.of("REGISTRY_AUTH_FILE", file.toString()), null);
        IOException notBase64 = assertThrows(IOException.class, () -> files.find("a.example", "app"));
        assertEquals("credentials file " + file + ": auths[\"a.example\"].auth: not base64", notBase64.getMessage());
        IOException noColon = assertThrows(IOException.class, () -> files.find("b.example", "app"));
        assertEquals("credentials file " + file + ": auths[\"b.example\"].auth: not base64 of user:password",
                noColon.getMessage());
        Path broken = write("broken.json", "{\"auths\": [");
        IOException json = assertThrows(IOException.class, () -> AuthFiles.of(
                Map.of("REGISTRY_AUTH_FILE", broken.toString()), null).find("a.example", "app"));
        assertTrue(json.getMessage().startsWith("credentials file " + broken + ": not valid JSON"), json.getMessage());
    }

    @Test
    void anIdentityTokenOnlyEntryIsKeptApartFromPasswords() throws Exception {
        Path file = write("auth.json", "{\"auths\":{\"t.example\":{\"identitytoken\":\"tok-s3cr3t\"},"
                + "\"h.example\":{}}}");
        AuthFiles files = AuthFiles.of(Map.of("REGISTRY_AUTH_FILE", file.toString()), null);
        AuthFiles.Credential t = files.find("t.example", "app");
        assertNull(t.secret());
        assertEquals("tok-s3cr3t", t.identityToken());
        assertFalse(t.toString().contains("s3cr3t"), t.toString());
        assertNull(files.find("h.example", "app"), "an entry a credential helper keeps holds nothing for us");
    }

    @Test
    void keysAreNormalizedAsTheRegistryOfAReference() {
        assertEquals("docker.io", AuthFiles.normalize("https://index.docker.io/v1/"));
        assertEquals("docker.io", AuthFiles.normalize("registry-1.docker.io"));
        assertEquals("r.example:5000", AuthFiles.normalize("https://r.example:5000/v2/"));
        assertEquals("r.example:5000/team", AuthFiles.normalize("r.example:5000/team/"));
    }
}
