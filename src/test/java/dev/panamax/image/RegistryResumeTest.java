package dev.panamax.image;

import dev.panamax.image.RegistryFront.Answer;
import dev.panamax.image.RegistryFront.Request;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resuming a partial blob with {@code Range} against a real {@code docker-registry} (which answers 206) behind a
 * {@link RegistryFront} that cuts or stalls the layer's download; the progress a {@link PullListener} is told.
 * Tagged {@code kernel} as {@link RegistryPullTest}.
 */
@Tag("kernel")
class RegistryResumeTest {
    private static final String REPO = "pmx/app";

    @TempDir
    Path dir;

    /** A registry holding the busybox image at {@code pmx/app:1.0}; its one layer's digest and bytes. */
    private record Pushed(LocalRegistry registry, Digest layer, byte[] bytes) {
    }

    private Pushed push(Path sub) throws Exception {
        Path layout = Fixtures.busyboxLayout(sub.resolve("image"), "1.0");
        LocalRegistry registry = LocalRegistry.start(sub.resolve("registry"), null, null);
        registry.push(layout, "1.0", REPO + ":1.0", null);
        ImageStore probe = ImageStore.open(sub.resolve("probe"));
        ImageRecord image = probe.importLayout(layout, REPO + ":1.0");
        Digest layer = probe.manifest(image).layers().get(0).digest();
        return new Pushed(registry, layer, Files.readAllBytes(probe.blobPath(layer)));
    }

    private static ImageReference ref(RegistryFront front) {
        return ImageReference.parse(front.address() + "/" + REPO + ":1.0");
    }

    private static List<Request> layerRequests(RegistryFront front, Digest layer) {
        return front.requests.stream().filter(r -> r.path().endsWith("/blobs/" + layer)).toList();
    }

    /** The front: the layer's first answer cut after {@code cut} bytes; Range forwarded unless {@code noRange}. */
    private static Function<Request, Answer> cutOnce(Pushed p, int cut, boolean noRange) {
        AtomicInteger cuts = new AtomicInteger(1);
        return request -> {
            boolean layer = request.path().endsWith("/blobs/" + p.layer());
            if (layer && noRange) {
                Map<String, String> headers = new HashMap<>(request.headers());
                headers.remove("range");
                request = new Request(request.target(), headers);
            }
            Answer a = RegistryFront.forward(p.registry().address(), request);
            return layer && cuts.getAndDecrement() > 0 ? a.cut(cut) : a;
        };
    }

    /** Progress events as text, in order per layer. */
    private static final class Recorder implements PullListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void layerStarted(Digest layer, long size) {
            events.add("start " + layer.hex().substring(0, 8) + " " + size);
        }

        @Override
        public void bytes(Digest layer, long done, long total) {
            events.add("bytes " + layer.hex().substring(0, 8) + " " + done + "/" + total);
        }

        @Override
        public void layerDone(Digest layer) {
            events.add("done " + layer.hex().substring(0, 8));
        }

        List<Long> done(Digest layer) {
            String prefix = "bytes " + layer.hex().substring(0, 8) + " ";
            return events.stream().filter(e -> e.startsWith(prefix))
                    .map(e -> Long.parseLong(e.substring(prefix.length(), e.indexOf('/')))).toList();
        }
    }

    @Test
    void aBlobCutOffMidStreamIsResumedWithRangeAndDownloadedOnce() throws Exception {
        Pushed p = push(dir);
        int cut = p.bytes().length / 3;
        try (LocalRegistry registry = p.registry(); RegistryFront front = new RegistryFront(cutOnce(p, cut, false))) {
            ImageStore store = ImageStore.open(dir.resolve("store"));
            Recorder progress = new Recorder();
            ImageRecord image = store.pull(ref(front), RegistryClient.builder().retries(2, Duration.ofMillis(10))
                    .listener(progress).build());
            assertArrayEquals(p.bytes(), Files.readAllBytes(store.blobPath(p.layer())));
            assertEquals(Files.size(Path.of("/usr/bin/busybox")),
                    Files.size(store.layers(image).get(0).resolve("bin/busybox")));

            List<Request> requests = layerRequests(front, p.layer());
            assertEquals(2, requests.size());
            assertNull(requests.get(0).headers().get("range"));
            long kept = rangeStart(requests.get(1), cut);
            long blobBytes = front.bodyBytesSent.get() - bytesOfOtherAnswers(front, p);
            assertEquals(cut + p.bytes().length - kept, blobBytes, "the cut answer, then the rest only");
            assertFalse(Files.exists(store.partialBlobPath(p.layer())));

            String hex = p.layer().hex().substring(0, 8);
            assertEquals("start " + hex + " " + p.bytes().length, progress.events.stream()
                    .filter(e -> e.startsWith("start " + hex)).findFirst().orElseThrow());
            assertEquals("done " + hex, progress.events.getLast());
            List<Long> done = progress.done(p.layer());
            for (int i = 1; i < done.size(); i++) {
                assertTrue(done.get(i) >= done.get(i - 1), "progress went back: " + done);
            }
            assertTrue(done.contains(kept), "the resume reports the bytes it had: " + done);
            assertEquals(p.bytes().length, done.getLast());
        }
    }

    /**
     * The N of a request's {@code Range: bytes=N-}: more than 0 and at most the bytes sent before the cut (the
     * client's HTTP stream may drop its last buffers when the connection ends early), and not far below them.
     */
    private static long rangeStart(Request request, int cut) {
        String range = request.headers().get("range");
        assertTrue(range != null && range.matches("bytes=\\d+-"), "Range: " + range);
        long n = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
        assertTrue(n > 0 && n <= cut && cut - n < 256 * 1024, "resumed at " + n + " after " + cut + " bytes");
        return n;
    }

    /** The body bytes of the answers other than the layer's (manifest, config), asked again of the registry. */
    private static long bytesOfOtherAnswers(RegistryFront front, Pushed p) {
        long sum = 0;
        for (Request r : front.requests) {
            if (!r.path().endsWith("/blobs/" + p.layer())) {
                sum += RegistryFront.forward(p.registry().address(), r).body().length;
            }
        }
        return sum;
    }

    @Test
    void aRegistryAnsweringTheWholeBlobToARangeIsDownloadedAfreshAndVerified() throws Exception {
        Pushed p = push(dir);
        int cut = p.bytes().length / 2;
        try (LocalRegistry registry = p.registry(); RegistryFront front = new RegistryFront(cutOnce(p, cut, true))) {
            ImageStore store = ImageStore.open(dir.resolve("store"));
            Recorder progress = new Recorder();
            store.pull(ref(front), RegistryClient.builder().retries(2, Duration.ofMillis(10)).listener(progress)
                    .build());
            assertArrayEquals(p.bytes(), Files.readAllBytes(store.blobPath(p.layer())));
            List<Request> requests = layerRequests(front, p.layer());
            long kept = rangeStart(requests.get(1), cut);
            List<Long> done = progress.done(p.layer());
            int restart = done.indexOf(0L);
            assertTrue(restart > 0 && done.subList(0, restart).contains(kept),
                    "progress starts again from 0 after the 200: " + done);
        }
    }

    @Test
    void aPartialBlobOfOtherContentIsDownloadedAgainFromItsStart() throws Exception {
        Pushed p = push(dir);
        try (LocalRegistry registry = p.registry();
             RegistryFront front = new RegistryFront(r -> RegistryFront.forward(p.registry().address(), r))) {
            ImageStore store = ImageStore.open(dir.resolve("store"));
            byte[] wrong = java.util.Arrays.copyOf(p.bytes(), 1000);
            wrong[10] ^= 1; // what a crash could leave: the right length, other bytes
            Files.write(store.partialBlobPath(p.layer()), wrong);
            store.pull(ref(front), RegistryClient.builder().build());
            assertArrayEquals(p.bytes(), Files.readAllBytes(store.blobPath(p.layer())));
            List<Request> requests = layerRequests(front, p.layer());
            assertEquals(2, requests.size());
            assertEquals("bytes=1000-", requests.get(0).headers().get("range"));
            assertNull(requests.get(1).headers().get("range"));
        }
    }

    /** The front: the layer's first {@code times} answers stall after {@code bytes} bytes (the connection kept). */
    private static Function<Request, Answer> stalling(Pushed p, int bytes, int times) {
        AtomicInteger stalls = new AtomicInteger(times);
        return request -> {
            Answer a = RegistryFront.forward(p.registry().address(), request);
            return request.path().endsWith("/blobs/" + p.layer()) && stalls.getAndDecrement() > 0 ? a.stall(bytes) : a;
        };
    }

    @Test
    void aBlobThatStallsOnceIsCutOffAfterTheReadTimeoutAndResumedWithRange() throws Exception {
        Pushed p = push(dir);
        int stall = p.bytes().length / 3;
        try (LocalRegistry registry = p.registry(); RegistryFront front = new RegistryFront(stalling(p, stall, 1))) {
            ImageStore store = ImageStore.open(dir.resolve("store"));
            long start = System.nanoTime();
            store.pull(ref(front), RegistryClient.builder().retries(2, Duration.ofMillis(10))
                    .readTimeout(Duration.ofMillis(300)).build());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertArrayEquals(p.bytes(), Files.readAllBytes(store.blobPath(p.layer())));
            List<Request> requests = layerRequests(front, p.layer());
            assertEquals(2, requests.size());
            rangeStart(requests.get(1), stall);
            assertTrue(millis >= 300 && millis < 20_000, "the stall was cut off after the read timeout: " + millis);
        }
    }

    @Test
    void aBlobThatKeepsStallingFailsNamingTheRegistryTheBlobAndTheReadTimeout() throws Exception {
        Pushed p = push(dir);
        int stall = p.bytes().length / 4;
        try (LocalRegistry registry = p.registry();
             RegistryFront front = new RegistryFront(stalling(p, stall, Integer.MAX_VALUE))) {
            ImageStore store = ImageStore.open(dir.resolve("store"));
            RegistryException e = assertThrows(RegistryException.class, () -> store.pull(ref(front),
                    RegistryClient.builder().retries(2, Duration.ofMillis(10)).readTimeout(Duration.ofMillis(200))
                            .build()));
            assertEquals("registry " + front.address() + ": pull " + ref(front) + ": blob " + p.layer()
                    + ": no data for 200 ms (the read timeout), after 3 attempts, " + 3 * stall
                    + " bytes kept to resume", e.getMessage(), "each attempt kept the bytes it got before the stall");
            assertEquals(0, e.status());
            List<Request> requests = layerRequests(front, p.layer());
            assertEquals(3, requests.size());
            assertEquals("bytes=" + 2 * stall + "-", requests.get(2).headers().get("range"), "each retry resumes");
            assertEquals(3 * stall, Files.size(store.partialBlobPath(p.layer())), "kept for the next pull");
            assertTrue(store.list().isEmpty());
        }
    }

    @Test
    void aPartialBlobLeftByAKilledJvmIsResumedByTheNextPull() throws Exception {
        Pushed p = push(dir);
        int stall = p.bytes().length / 4;
        AtomicInteger stalls = new AtomicInteger(1);
        try (LocalRegistry registry = p.registry(); RegistryFront front = new RegistryFront(request -> {
            Answer a = RegistryFront.forward(p.registry().address(), request);
            return request.path().endsWith("/blobs/" + p.layer()) && stalls.getAndDecrement() > 0 ? a.stall(stall) : a;
        })) {
            Path storeDir = dir.resolve("store");
            ImageStore store = ImageStore.open(storeDir);
            Path partial = store.partialBlobPath(p.layer());
            Process jvm = Fixtures.childJvm(PullProbe.class, storeDir.toString(), ref(front).toString(), "-",
                    dir.resolve("unpacks.log").toString());
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!(Files.exists(partial) && Files.size(partial) == stall)) {
                    assertTrue(jvm.isAlive(), () -> "the child JVM ended: " + output(jvm));
                    assertTrue(System.nanoTime() < deadline, "no partial blob of " + stall + " bytes");
                    Thread.sleep(20);
                }
                jvm.destroyForcibly();
                assertTrue(jvm.waitFor(30, TimeUnit.SECONDS));
            } finally {
                jvm.destroyForcibly().waitFor();
            }
            assertTrue(Files.exists(partial), "the killed JVM's partial blob is kept");
            assertFalse(Files.exists(store.blobPath(p.layer())));

            ImageRecord image = store.pull(ref(front), RegistryClient.builder().build());
            List<Request> requests = layerRequests(front, p.layer());
            assertEquals(2, requests.size());
            assertEquals("bytes=" + stall + "-", requests.get(1).headers().get("range"));
            assertArrayEquals(p.bytes(), Files.readAllBytes(store.blobPath(p.layer())));
            assertFalse(Files.exists(partial));
            assertEquals(image, store.find(ref(front)).orElseThrow());
        }
    }

    private static String output(Process jvm) {
        try {
            return new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
