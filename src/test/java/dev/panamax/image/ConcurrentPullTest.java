package dev.panamax.image;

import dev.panamax.image.RegistryFront.Request;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two JVMs pull one three-layer image from a real {@code docker-registry} into one store at once (child JVMs
 * started together by a start file): both succeed, every blob is downloaded once (the digest's lock: the second
 * JVM finds it stored), every layer unpacked once. The blobs are answered slowly, so the two pulls overlap. Tagged
 * {@code kernel} as {@link RegistryPullTest}.
 */
@Tag("kernel")
class ConcurrentPullTest {
    @TempDir
    Path dir;

    /** The registry's answer, a blob's after 300 ms. */
    private static RegistryFront.Answer slowly(String registry, Request request) {
        if (request.path().contains("/blobs/")) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return RegistryFront.forward(registry, request);
    }

    @Test
    void twoJvmsPullingTheSameImageAtOnceBothSucceedAndEachBlobIsDownloadedOnce() throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("image"), "1.0");
        Fixtures.addLayers(dir.resolve("image"), layout, "1.0");
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null);
             RegistryFront front = new RegistryFront(r -> slowly(registry.address(), r))) {
            registry.push(layout, "1.0", "pmx/layers:1.0", null);
            String ref = front.address() + "/pmx/layers:1.0";
            Path store = dir.resolve("store");
            Path start = dir.resolve("start");
            Path log = dir.resolve("unpacks.log");
            List<Process> jvms = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    jvms.add(Fixtures.childJvm(PullProbe.class, store.toString(), ref, start.toString(),
                            log.toString()));
                }
                Files.createFile(start);
                List<String> outputs = new ArrayList<>();
                for (Process jvm : jvms) {
                    String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(jvm.waitFor(120, TimeUnit.SECONDS), "a child JVM did not end");
                    assertEquals(0, jvm.exitValue(), out);
                    outputs.add(out.strip());
                }
                assertEquals(outputs.get(0), outputs.get(1));
                assertTrue(outputs.get(0).startsWith("PULLED sha256:"), outputs.get(0));
            } finally {
                for (Process jvm : jvms) {
                    jvm.destroyForcibly().waitFor();
                }
            }
            Map<String, Long> blobGets = front.requests.stream().map(Request::path).filter(p -> p.contains("/blobs/"))
                    .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
            assertEquals(4, blobGets.size(), "config and three layers: " + blobGets);
            assertEquals(new HashSet<>(List.of(1L)), new HashSet<>(blobGets.values()),
                    "a blob was downloaded by both JVMs: " + blobGets);
            assertEquals(2, front.requests.stream().filter(r -> r.path().contains("/manifests/")).count());
            List<String> unpacked = Files.readAllLines(log);
            assertEquals(3, unpacked.size(), "a layer was unpacked more than once: " + unpacked);
            assertEquals(3, new HashSet<>(unpacked).size());

            ImageStore s = ImageStore.open(store);
            assertEquals(1, s.list().size());
            assertEquals(5, Fixtures.names(store.resolve("blobs/sha256")).size(), "manifest, config, three layers");
            assertEquals(3, Fixtures.names(store.resolve("layers")).size());
        }
    }
}
