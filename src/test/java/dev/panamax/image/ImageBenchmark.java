package dev.panamax.image;

import dev.panamax.Container;
import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;

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
 * ({@code .ci/deps}). Then: container start-to-exit of {@code /bin/true} from a ten-layer image vs from the same
 * files as a plain directory (and as a one-layer ephemeral root), rows interleaved; and the disk that 20 running
 * containers of the ~100 MB image use (layers stored once, an upper layer each). Not a test: it asserts nothing
 * and prints tables. With the argument {@code starts} ({@code -Dargs=starts}) it runs the start rows only: no
 * registry, no pull.
 */
public final class ImageBenchmark {
    private static final boolean QUICK = Boolean.getBoolean("bench.quick");
    private static final int ROUNDS = Integer.getInteger("bench.imageRounds", QUICK ? 2 : 6);
    private static final int LAYERS = 5;
    private static final int LAYER_MIB = 20;
    private static final int STARTS = Integer.getInteger("bench.runs", QUICK ? 30 : 300);
    private static final int CONTAINERS = 20;

    private ImageBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args none, or {@code starts} for the start rows only
     * @throws Exception if a tool or the registry fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("pmx-image-bench-");
        try {
            if (Arrays.asList(args).contains("starts")) {
                starts(dir);
                return;
            }
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
                System.out.println();
                starts(dir);
                System.out.println();
                disk(dir, ref);
            }
        } finally {
            StoreFiles.deleteTree(dir);
        }
    }

    /** Start-to-exit of /bin/true: ten layers vs one plain directory holding the same files. */
    private static void starts(Path dir) throws Exception {
        Path layout = Fixtures.busyboxLayout(dir.resolve("ten"), "1.0");
        String image = layout + ":1.0";
        Path bundle = dir.resolve("ten/bundle");
        for (int layer = 1; layer < 10; layer++) {
            Fixtures.run("umoci", "unpack", "--image", image, bundle.toString());
            Files.writeString(Files.createDirectories(bundle.resolve("rootfs/etc/layers")).resolve("l" + layer),
                    "layer " + layer + "\n");
            Fixtures.run("umoci", "repack", "--image", image, bundle.toString());
            StoreFiles.deleteTree(bundle);
        }
        Fixtures.run("umoci", "unpack", "--image", image, bundle.toString());
        Path plain = bundle.resolve("rootfs");
        ImageStore store = ImageStore.open(dir.resolve("ten-store"));
        store.importLayout(layout, "pmx/ten:1.0");
        ContainerImage ten = store.image(ImageReference.parse("pmx/ten:1.0")).root();
        if (ten.layers().size() != 10) {
            throw new IllegalStateException("expected 10 layers, got " + ten.layers().size());
        }
        List<String> names = List.of("Panamax busybox true, rootfs a plain directory",
                "Panamax busybox true, ephemeralRoot of that directory (1 layer)",
                "Panamax busybox true, image root of 10 layers (overlay)");
        List<ContainerSpec> specs = List.of(
                ContainerSpec.builder().rootfs(plain).command("/bin/busybox", "true").build(),
                ContainerSpec.builder().ephemeralRoot(plain).command("/bin/busybox", "true").build(),
                ContainerSpec.builder().image(ten).command("/bin/busybox", "true").build());
        long[][] nanos = new long[specs.size()][STARTS];
        for (int i = 0; i < Math.max(20, STARTS / 5); i++) {   // warm-up, not counted
            for (ContainerSpec spec : specs) {
                startToExit(spec);
            }
        }
        for (int run = 0; run < STARTS; run++) {
            for (int k = 0; k < specs.size(); k++) {
                int row = (k + run) % specs.size();   // rotate the order: no row always first
                nanos[row][run] = startToExit(specs.get(row));
            }
        }
        System.out.printf("%-58s %10s %10s %10s%n", "start-to-exit (" + STARTS + " runs each, interleaved)",
                "median ms", "p90 ms", "vs dir ms");
        double base = percentile(nanos[0], 50);
        for (int row = 0; row < specs.size(); row++) {
            double median = percentile(nanos[row], 50);
            System.out.printf("%-58s %10.2f %10.2f %+10.2f%n", names.get(row), median / 1e6,
                    percentile(nanos[row], 90) / 1e6, (median - base) / 1e6);
        }
        StoreFiles.deleteTree(bundle);
    }

    private static long startToExit(ContainerSpec spec) throws InterruptedException {
        long t0 = System.nanoTime();
        try (Container c = Launcher.launch(spec)) {
            if (c.waitFor().code() != 0) {
                throw new IllegalStateException("container failed");
            }
        }
        return System.nanoTime() - t0;
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    /** 20 running containers of the big image, each writing a small file: the store once, an upper dir each. */
    private static void disk(Path dir, String ref) throws Exception {
        ImageStore store = ImageStore.open(dir.resolve("disk-store"));
        store.pull(ImageReference.parse(ref), RegistryClient.builder().build());
        ContainerImage big = store.image(ImageReference.parse(ref)).root();
        List<Container> running = new ArrayList<>();
        List<Path> uppers = new ArrayList<>();
        try {
            for (int i = 0; i < CONTAINERS; i++) {
                Path upper = dir.resolve("uppers/c" + i);
                uppers.add(upper);
                running.add(Launcher.launch(ContainerSpec.builder().image(big).keepUpperDir(upper)
                        .command("/bin/sh", "-c", "echo container " + i + " > /data/mine; exec sleep 60").build()));
            }
            Thread.sleep(500);
            long layers = du(store.root().resolve("layers"));
            long blobs = du(store.root().resolve("blobs"));
            long upperTotal = 0;
            for (Path upper : uppers) {
                upperTotal += du(upper);
            }
            long merged = du(store.root().resolve("layers")); // one container's files: every layer once
            System.out.printf("disk used by %d running containers of the %.0f MB image (du, KiB):%n", CONTAINERS,
                    layers / 1024.0);
            System.out.printf("  unpacked layers, stored once             %10d%n", layers);
            System.out.printf("  compressed blobs (kept for push/verify)  %10d%n", blobs);
            System.out.printf("  %d upper dirs together                   %10d%n", CONTAINERS, upperTotal);
            System.out.printf("  a copied rootfs per container would be   %10d%n", (long) CONTAINERS * merged);
        } finally {
            for (Container c : running) {
                c.close();
            }
        }
    }

    private static long du(Path path) throws IOException {
        String out = Fixtures.run("du", "-sk", path.toString());
        return Long.parseLong(out.substring(0, out.indexOf('\t')).strip());
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
