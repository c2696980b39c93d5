package dev.panamax.bench;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.sys.Namespace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Launch-to-exit latency of {@code true}, Panamax against baselines measured in the same run.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@bench        # prints a Markdown table
 * </pre>
 *
 * Rows: ProcessBuilder (no isolation), unshare(1) with mnt+pid+uts+ipc and a fresh /proc (forked by
 * ProcessBuilder, as a JVM would run it), Panamax with mnt+pid+uts+ipc+rootfs+proc, the same plus net,
 * the same with cgroup limits, and the first Panamax row again in a JVM holding a 4 GiB live heap (launch
 * cost must not grow with the heap: clone with CLONE_VM copies no page tables), a user namespace as root
 * and rootless (a JVM running as uid 65534), the base row without the default seccomp filter, and with
 * the prototype's steps only, and the base row with the init (pid 1 in machine code, the command as pid 2). Every
 * Panamax row has the default hardening (capabilities, no_new_privs, seccomp) unless it says otherwise.
 */
public final class LaunchBenchmark {
    private static final int WARMUP = Integer.getInteger("bench.warmup", 100);
    private static final int RUNS = Integer.getInteger("bench.runs", 500);

    private LaunchBenchmark() {
    }

    interface Launch {
        void once() throws Exception;
    }

    record Row(String name, double medianMs, double p99Ms) {
        String line() {
            return String.format(Locale.ROOT, "| %-52s | %8.2f | %8.2f |", name, medianMs, p99Ms);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--big-heap-row")) {
            bigHeapRow(Path.of(args[1]));
            return;
        }
        if (args.length > 0 && args[0].equals("--rootless-row")) {
            Row r = measure("rootless", () -> run(userSpec(Path.of(args[1]))));
            System.out.println(r.medianMs() + " " + r.p99Ms());
            return;
        }
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            List<Row> rows = new ArrayList<>();
            rows.add(measure("ProcessBuilder /bin/true (no isolation)", () -> exec(List.of("/bin/true"))));
            rows.add(measure("unshare(1) -m -p -u -i -f --mount-proc /bin/true",
                    () -> exec(List.of("unshare", "-m", "-p", "-u", "-i", "-f", "--mount-proc", "/bin/true"))));
            ContainerSpec base = spec(root.path()).build();
            rows.add(measure("Panamax mnt+pid+uts+ipc, rootfs, /proc", () -> run(base)));
            ContainerSpec net = spec(root.path()).namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS,
                    Namespace.IPC, Namespace.NET).build();
            rows.add(measure("Panamax + net (lo up)", () -> run(net)));
            ContainerSpec limited = spec(root.path()).resources(Resources.builder().memoryMax(DataSize.ofMegabytes(64))
                    .pidsMax(64).cpu(CpuLimit.cores(0.5)).build()).build();
            rows.add(measure("Panamax + cgroup (memory+pids+cpu limits)", () -> run(limited)));
            rows.add(bigHeap(root.path()));
            rows.add(measure("Panamax user+mnt+pid+uts+ipc as root (uid 0 -> 0)", () -> run(userSpec(root.path()))));
            rows.add(rootless(root.path()));
            ContainerSpec bare = spec(root.path()).noSeccomp().build();
            rows.add(measure("Panamax mnt+pid+uts+ipc, rootfs, /proc, no seccomp filter", () -> run(bare)));
            ContainerSpec minimal = spec(root.path()).noSeccomp().minimalDev(false).maskedPaths(List.of())
                    .readOnlyPaths(List.of()).build();
            rows.add(measure("Panamax, the prototype's steps only (no /dev, masks, seccomp)", () -> run(minimal)));
            ContainerSpec init = spec(root.path()).init(true).build();
            rows.add(measure("Panamax mnt+pid+uts+ipc, rootfs, /proc, with the init", () -> run(init)));
            print(rows);
        }
    }

    private static ContainerSpec.Builder spec(Path root) {
        return ContainerSpec.builder().rootfs(root).hostname("bench")
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC).command("/bin/true");
    }

    private static void run(ContainerSpec spec) throws InterruptedException {
        try (Container c = Launcher.launch(spec)) {
            if (c.waitFor().code() != 0) {
                throw new IllegalStateException("container failed");
            }
        }
    }

    private static void exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }

    static Row measure(String name, Launch launch) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            launch.once();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            launch.once();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new Row(name, ms[RUNS / 2], ms[(int) Math.ceil(RUNS * 0.99) - 1]);
    }

    /** The base Panamax row again, in a child JVM that keeps 4 GiB of live objects. */
    private static Row bigHeap(Path root) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-Xms6g", "-Xmx6g", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LaunchBenchmark.class.getName(), "--big-heap-row",
                root.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("big-heap JVM failed: " + out);
        }
        String[] f = out.split(" ");
        return new Row("Panamax mnt+pid+uts+ipc, rootfs, /proc; 4 GiB live heap", Double.parseDouble(f[0]),
                Double.parseDouble(f[1]));
    }

    /** The same container with a user namespace mapping the caller to root (rootless when not root). */
    private static ContainerSpec userSpec(Path root) {
        return spec(root).namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC)
                .mapCurrentUserToRoot().build();
    }

    /** The user-namespace row in a JVM running as nobody (65534): a real rootless launch. */
    private static Row rootless(Path root) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classes = Arrays.stream(System.getProperty("java.class.path").split(":"))
                .filter(p -> p.endsWith("classes")).reduce((a, b) -> a + ":" + b).orElseThrow();
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", classes, LaunchBenchmark.class.getName(),
                "--rootless-row", root.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("rootless JVM failed: " + out);
        }
        String[] f = out.split(" ");
        return new Row("Panamax rootless (as uid 65534) user+mnt+pid+uts+ipc", Double.parseDouble(f[0]),
                Double.parseDouble(f[1]));
    }

    private static void bigHeapRow(Path root) throws Exception {
        long[][] live = new long[4096][];
        for (int i = 0; i < live.length; i++) {
            live[i] = new long[128 * 1024]; // 1 MiB each, 4 GiB in all, touched
            Arrays.fill(live[i], i);
        }
        ContainerSpec base = spec(root).build();
        Row r = measure("big heap", () -> run(base));
        System.out.println(r.medianMs() + " " + r.p99Ms() + " " + live[live.length - 1][0]);
    }

    private static void print(List<Row> rows) {
        System.out.printf(Locale.ROOT, "Launch-to-exit of `true`, %d runs after %d warm-up, %d cores, %s%n%n", RUNS,
                WARMUP, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        System.out.println("| what                                                 | median ms | p99 ms |");
        System.out.println("|------------------------------------------------------|----------:|-------:|");
        rows.forEach(r -> System.out.println(r.line()));
        double base = rows.get(2).medianMs();
        double unshare = rows.get(1).medianMs();
        System.out.printf(Locale.ROOT, "%nunshare(1) / Panamax: %.1fx with the prototype's steps, %.1fx with the OCI "
                + "defaults; 4 GiB heap / base: %.2fx; cgroup adds %.2f ms; rootless / root (user ns): %.2fx%n",
                unshare / rows.get(9).medianMs(), unshare / base, rows.get(5).medianMs() / base,
                rows.get(4).medianMs() - base, rows.get(7).medianMs() / rows.get(6).medianMs());
    }

}
