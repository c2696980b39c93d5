package dev.panamax.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The image benchmark ({@code mvn -q -B -DskipTests test-compile exec:exec@bench-image}, {@code -Dbench.quick}
 * for a short run): pull and unpack of a ~100 MB six-layer image from a local {@code docker-registry} by
 * Panamax vs {@code skopeo copy} + {@code umoci unpack} of the same image, rounds interleaved (the machine is
 * shared and noisy: both sides see the same noise), after one uncounted round of each. Needs root, docker-registry, skopeo, umoci, busybox-static
 * ({@code .ci/deps}). Not a test: it asserts nothing and prints a table.
 */
public final class ImageBenchmark {
    private static final boolean QUICK = Boolean.getBoolean("bench.quick");
    private static final int ROUNDS = Integer.getInteger("bench.imageRounds", QUICK ? 2 : 6);
    private static final int LAYERS = 5;
    private static final int LAYER_MIB = 20;

    private ImageBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args none
     * @throws Exception if a tool or the registry fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("pmx-image-bench-");
        try {
            Path layout = bigLayout(dir.resolve("image"));
            try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), null, null)) {
                registry.push(layout, "1.0", "pmx/big:1.0", null);
                String ref = registry.address() + "/pmx/big:1.0";
                System.out.printf("image: %d layers, %.1f MB compressed (%s)%n", LAYERS + 1,
                        size(layout.resolve("blobs")) / 1e6, ref);
                panamaxPull(dir, ref);   // one round each not counted: class loading, JIT, the registry's caches
                skopeoUmoci(dir, ref);
                List<Long> panamax = new ArrayList<>();
                List<Long> tools = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    // alternate which side goes first: neither always gets the warmer page cache
                    if (round % 2 == 0) {
                        panamax.add(panamaxPull(dir, ref));
                        tools.add(skopeoUmoci(dir, ref));
                    } else {
                        tools.add(skopeoUmoci(dir, ref));
                        panamax.add(panamaxPull(dir, ref));
                    }
                }
                System.out.printf("%-58s %10s %10s  %s%n", "pull + unpack (" + ROUNDS + " rounds, interleaved)",
                        "median ms", "min ms", "samples");
                row("Panamax ImageStore.pull (download, verify, unpack)", panamax);
                row("skopeo copy docker:// oci: + umoci unpack", tools);
            }
        } finally {
            StoreFiles.deleteTree(dir);
        }
    }

    private static long panamaxPull(Path dir, String ref) throws IOException {
        Path root = dir.resolve("panamax-store");
        long t0 = System.nanoTime();
        ImageStore store = ImageStore.open(root);
        store.pull(ImageReference.parse(ref), RegistryClient.builder().retries(1, Duration.ofMillis(10)).build());
        long t = System.nanoTime() - t0;
        StoreFiles.deleteTree(root);
        return t;
    }

    private static long skopeoUmoci(Path dir, String ref) throws IOException {
        Path layout = dir.resolve("skopeo-layout");
        Path bundle = dir.resolve("umoci-bundle");
        long t0 = System.nanoTime();
        Fixtures.run("skopeo", "--insecure-policy", "copy", "-q", "--src-tls-verify=false", "docker://" + ref,
                "oci:" + layout + ":1.0");
        Fixtures.run("umoci", "unpack", "--image", layout + ":1.0", bundle.toString());
        long t = System.nanoTime() - t0;
        StoreFiles.deleteTree(layout);
        StoreFiles.deleteTree(bundle);
        return t;
    }

    /** busybox plus five layers of ~20 MiB each: incompressible files of mixed sizes, like real binaries. */
    private static Path bigLayout(Path dir) throws IOException {
        Path layout = Fixtures.busyboxLayout(dir, "1.0");
        Path bundle = dir.resolve("bundle");
        String image = layout + ":1.0";
        Random random = new Random(18);
        for (int layer = 0; layer < LAYERS; layer++) {
            Fixtures.run("umoci", "unpack", "--image", image, bundle.toString());
            Path data = Files.createDirectories(bundle.resolve("rootfs/data/layer" + layer));
            long left = LAYER_MIB << 20;
            for (int file = 0; left > 0; file++) {
                int size = (int) Math.min(left, 4096 << random.nextInt(10));   // 4 KiB .. 2 MiB
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                try (OutputStream out = Files.newOutputStream(data.resolve("f" + file))) {
                    out.write(bytes);
                }
                left -= size;
            }
            Fixtures.run("umoci", "repack", "--image", image, bundle.toString());
            StoreFiles.deleteTree(bundle);
        }
        Fixtures.run("umoci", "gc", "--layout", layout.toString());
        return layout;
    }

    private static long size(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void row(String name, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long median = sorted[sorted.length / 2];
        System.out.printf("%-58s %10.0f %10.0f  %s%n", name, median / 1e6, sorted[0] / 1e6,
                Arrays.toString(nanos.stream().mapToLong(n -> Math.round(n / 1e6)).toArray()));
    }
}
