package dev.panamax.image;

import dev.panamax.image.RegistryFront.Answer;
import dev.panamax.image.RegistryFront.Request;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link RegistryFront} before a real {@code docker-registry} holding the busybox image: the Bearer token flow
 * (a token endpoint of the test's, as the Docker token spec has it), 5xx answers retried, a corrupt blob and an
 * oversized manifest refused by name. Tagged {@code kernel} as {@link RegistryPullTest}.
 */
@Tag("kernel")
class RegistryFrontTest {
    private static final String REPO = "pmx/app";

    @TempDir
    Path dir;

    /** Runs a check with a registry holding {@code pmx/app:1.0} and a front with the handler made for it. */
    private void withFront(Function<String, Function<Request, Answer>> handlerFor, FrontCheck check)
            throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
            registry.push(layout, "1.0", REPO + ":1.0", null);
            try (RegistryFront front = new RegistryFront(handlerFor.apply(registry.address()))) {
                check.run(front, ImageStore.open(dir.resolve("store")),
                        ImageReference.parse(front.address() + "/" + REPO + ":1.0"));
            }
        }
    }

    @FunctionalInterface
    private interface FrontCheck {
        void run(RegistryFront front, ImageStore store, ImageReference ref) throws Exception;
    }

    /** A registry requiring {@code Bearer TOKEN}, with a token endpoint at /token (Basic alice:s3cret if asked). */
    private static Function<Request, Answer> bearer(String registry, int[] frontPort, boolean needsUser,
                                                    String tokenField) {
        String good = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        return request -> {
            if (request.path().equals("/token")) {
                if (needsUser && !good.equals(request.headers().get("authorization"))) {
                    return Answer.of(401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
                }
                return Answer.of(200, "application/json", "{\"" + tokenField + "\":\"tok-123\",\"expires_in\":300}");
            }
            if (!"Bearer tok-123".equals(request.headers().get("authorization"))) {
                return new Answer(401, Map.of("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + frontPort[0]
                        + "/token\",service=\"pmx-test\",scope=\"repository:" + REPO + ":pull\"",
                        "Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
            }
            return RegistryFront.forward(registry, request);
        };
    }

    private static int port(RegistryFront front) {
        return Integer.parseInt(front.address().substring(front.address().indexOf(':') + 1));
    }

    @Test
    void theBearerTokenFlowGetsATokenWithTheCredentialsAndPulls() throws Exception {
        int[] frontPort = {0};
        withFront(registry -> bearer(registry, frontPort, true, "token"), (front, store, ref) -> {
            frontPort[0] = port(front);
            RegistryException none = assertThrows(RegistryException.class,
                    () -> store.pull(ref, RegistryClient.builder().build()));
            assertEquals(401, none.status());
            assertTrue(none.getMessage().contains("token endpoint") && none.getMessage().contains("needs credentials"),
                    none.getMessage());

            RegistryClient client = RegistryClient.builder().credentials(front.address(), "alice", "s3cret").build();
            ImageRecord image = store.pull(ref, client);
            assertEquals(image, store.find(ref).orElseThrow());
            Request token = front.requests.stream().filter(r -> r.path().equals("/token")).reduce((a, b) -> b)
                    .orElseThrow();
            assertTrue(token.target().contains("service=pmx-test"), token.target());
            assertTrue(token.target().contains("scope=repository%3Apmx%2Fapp%3Apull"), token.target());
            // the token is kept: one token request per client and repository
            assertEquals(1, front.requests.stream().filter(r -> r.path().equals("/token")
                    && "Basic YWxpY2U6czNjcmV0".equals(r.headers().get("authorization"))).count());
        });
    }

    @Test
    void anAnonymousBearerTokenInAccessTokenIsUsed() throws Exception {
        int[] frontPort = {0};
        withFront(registry -> bearer(registry, frontPort, false, "access_token"), (front, store, ref) -> {
            frontPort[0] = port(front);
            ImageRecord image = store.pull(ref, RegistryClient.builder().build());
            assertEquals(1, store.layers(image).size());
        });
    }

    @Test
    void anIdentityTokenFromAnAuthFileIsPostedToTheTokenEndpointAsARefreshToken() throws Exception {
        int[] frontPort = {0};
        withFront(registry -> request -> {
            if (request.path().equals("/token")) {
                boolean good = request.method().equals("POST") && request.body().contains("grant_type=refresh_token")
                        && request.body().contains("refresh_token=rt-s3cr3t") && request.body().contains("service=pmx-test")
                        && request.body().contains("scope=repository%3Apmx%2Fapp%3Apull");
                return good ? Answer.of(200, "application/json", "{\"access_token\":\"tok-123\"}")
                        : Answer.of(401, "application/json", "{}");
            }
            return bearer(registry, frontPort, true, "token").apply(request);
        }, (front, store, ref) -> {
            frontPort[0] = port(front);
            Path auth = dir.resolve("auth.json");
            Files.writeString(auth, "{\"auths\":{\"" + front.address() + "\":{\"identitytoken\":\"rt-wrong\"}}}");
            Map<String, String> env = Map.of("REGISTRY_AUTH_FILE", auth.toString());
            RegistryException refused = assertThrows(RegistryException.class, () -> store.pull(ref,
                    RegistryClient.builder().credentialsFromAuthFiles(env, dir).build()));
            assertTrue(refused.getMessage().endsWith("it refused the identity token from " + auth)
                    && !refused.getMessage().contains("rt-wrong"), refused.getMessage());

            Files.writeString(auth, "{\"auths\":{\"" + front.address() + "\":{\"identitytoken\":\"rt-s3cr3t\"}}}");
            ImageRecord image = store.pull(ref, RegistryClient.builder().credentialsFromAuthFiles(env, dir).build());
            assertEquals(image, store.find(ref).orElseThrow());
        });
    }

    @Test
    void serverErrorsAreRetriedWithBackoffAndNamedWhenTheyPersist() throws Exception {
        AtomicInteger failures = new AtomicInteger(2);
        withFront(registry -> request -> request.path().contains("/blobs/") && failures.getAndDecrement() > 0
                ? Answer.of(503, "text/plain", "busy") : RegistryFront.forward(registry, request),
                (front, store, ref) -> {
                    ImageRecord image = store.pull(ref, RegistryClient.builder().retries(3, Duration.ofMillis(10))
                            .build());
                    assertEquals(image, store.find(ref).orElseThrow());
                    failures.set(Integer.MAX_VALUE);
                    store.remove(ref);
                    store.prune();
                    RegistryException e = assertThrows(RegistryException.class, () -> store.pull(ref,
                            RegistryClient.builder().retries(2, Duration.ofMillis(10)).build()));
                    assertEquals(503, e.status());
                    assertTrue(e.getMessage().contains("HTTP 503 after 3 attempts") && e.getMessage().contains("blob"),
                            e.getMessage());
                    assertTrue(store.find(ref).isEmpty());
                });
    }

    @Test
    void aBlobWithOtherContentIsRefusedNamingItAndNotStored() throws Exception {
        withFront(registry -> request -> {
            Answer a = RegistryFront.forward(registry, request);
            if (request.path().contains("/blobs/") && a.body().length > 100_000) {
                a.body()[a.body().length / 2] ^= 1;
            }
            return a;
        }, (front, store, ref) -> {
            IOException e = assertThrows(IOException.class, () -> store.pull(ref, RegistryClient.builder().build()));
            assertTrue(e.getMessage().contains("its content has digest"), e.getMessage());
            String layer = front.requests.stream().map(Request::path).filter(p -> p.contains("/blobs/"))
                    .reduce((a, b) -> b).orElseThrow();
            assertTrue(e.getMessage().contains(layer.substring(layer.lastIndexOf('/') + 1)), e.getMessage());
            assertTrue(store.find(ref).isEmpty());
            assertFalse(Files.exists(store.blobPath(Digest.parse(layer.substring(layer.lastIndexOf('/') + 1)))));
        });
    }

    @Test
    void aManifestOverFourMebibytesIsRefused() throws Exception {
        withFront(registry -> request -> request.path().contains("/manifests/")
                ? new Answer(200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), new byte[5 << 20])
                : RegistryFront.forward(registry, request), (front, store, ref) -> {
            IOException e = assertThrows(IOException.class, () -> store.pull(ref, RegistryClient.builder().build()));
            assertTrue(e.getMessage().contains("more than the limit of 4194304"), e.getMessage());
            assertTrue(e.getMessage().contains("manifest " + ref.name() + ":1.0"), e.getMessage());
        });
    }

    /** An index (or Docker manifest list) at tag {@code multi}: arm64/v8 (not pushed) and amd64 (the image). */
    private static Function<Request, Answer> multiPlatform(String registry, String indexType) {
        return request -> {
            if (!request.path().endsWith("/manifests/multi")) {
                return RegistryFront.forward(registry, request);
            }
            Answer manifest = RegistryFront.forward(registry, new Request("/v2/" + REPO + "/manifests/1.0",
                    Map.of("accept", MediaTypes.OCI_MANIFEST)));
            String type = manifest.headers().get("Content-Type");
            String index = """
                    {"schemaVersion":2,"mediaType":"%s","manifests":[
                     {"mediaType":"%s","digest":"%s","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
                     {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"amd64","os":"linux"}}]}
                    """.formatted(indexType, type, Digest.of(new byte[1]), type, Digest.of(manifest.body()),
                    manifest.body().length);
            return Answer.of(200, indexType, index);
        };
    }

    @Test
    void anIndexGivesTheManifestOfThePlatformAskedForOrNamesThoseItOffers() throws Exception {
        for (String indexType : new String[] {MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST}) {
            Path sub = Files.createDirectories(dir.resolve(indexType.contains("oci") ? "oci" : "docker"));
            Path layout = Fixtures.busyboxLayout(sub.resolve("image"), "1.0");
            try (LocalRegistry registry = LocalRegistry.start(sub.resolve("registry"), null, null);
                 RegistryFront front = new RegistryFront(multiPlatform(registry.address(), indexType))) {
                registry.push(layout, "1.0", REPO + ":1.0", null);
                ImageStore store = ImageStore.open(sub.resolve("store"));
                ImageReference ref = ImageReference.parse(front.address() + "/" + REPO + ":multi");
                RegistryClient client = RegistryClient.builder().build();
                ImageRecord image = client.pull(store, ref, Platform.parse("linux/amd64"));
                assertEquals(1, store.layers(image).size());
                assertTrue(front.requests.stream().anyMatch(r -> r.path().endsWith("/manifests/" + image.manifest())),
                        front.requests.toString());

                IOException e = assertThrows(IOException.class,
                        () -> client.pull(store, ref, Platform.parse("linux/s390x")));
                assertTrue(e.getMessage().contains("no manifest for platform linux/s390x")
                        && e.getMessage().contains("linux/amd64") && e.getMessage().contains("arm64"), e.getMessage());
            }
        }
    }

    @Test
    void aBlobCutOffWhileDownloadedIsFetchedAgain() throws Exception {
        AtomicInteger cuts = new AtomicInteger(1);
        withFront(registry -> request -> {
            Answer a = RegistryFront.forward(registry, request);
            return request.path().contains("/blobs/") && a.body().length > 100_000 && cuts.getAndDecrement() > 0
                    ? a.cut(a.body().length / 3) : a;
        }, (front, store, ref) -> {
            ImageRecord image = store.pull(ref, RegistryClient.builder().retries(2, Duration.ofMillis(10)).build());
            assertEquals(Files.size(Path.of("/usr/bin/busybox")),
                    Files.size(store.layers(image).get(0).resolve("bin/busybox")));
            String layer = store.manifest(image).layers().get(0).digest().toString();
            assertEquals(2, front.requests.stream().filter(r -> r.path().endsWith("/blobs/" + layer)).count());

            cuts.set(Integer.MAX_VALUE);
            store.remove(ref);
            store.prune();
            IOException e = assertThrows(IOException.class,
                    () -> store.pull(ref, RegistryClient.builder().retries(1, Duration.ofMillis(10)).build()));
            assertTrue(e.getMessage().contains("after 2 attempts") && e.getMessage().contains("blob sha256:"),
                    e.getMessage());
            assertTrue(store.find(ref).isEmpty());
        });
    }
}
