package dev.panamax.bench;

import dev.panamax.BusyboxRootfs;
import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.ProcessSpec;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.net.BridgeNetwork;
import dev.panamax.net.Bridges;
import dev.panamax.net.IpPrefix;
import dev.panamax.net.Network;
import dev.panamax.net.Nftables;
import dev.panamax.net.PortMapping;
import dev.panamax.program.SpecCompiler;
import dev.panamax.sys.Namespace;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Launch-to-exit latency of {@code true}: Panamax against C references and baselines, every row measured in
 * the same run, interleaved launch by launch, so that machine noise hits all rows alike.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@bench                          # the full run (a few minutes)
 * mvn -q -B -DskipTests test-compile exec:exec@bench -Dbench.quick            # a smoke run (seconds)
 * mvn -q -B -DskipTests test-compile exec:exec@bench -Dbench.runs=300 -Dbench.warmup=2000 -Dbench.seconds=2
 * </pre>
 *
 * <p>Method: {@code bench.warmup} launches in all (default 2,000) are made before measuring, then
 * {@code bench.runs} rounds (default 1,000) are measured; every round runs every row once, in an order
 * shuffled anew each round by a {@link Random} with a fixed seed ({@code bench.seed}), and warm-up rounds are
 * such rounds too. Each row gets a median, a p99, its ratio to the C reference and the paired difference to
 * it (the median over rounds of the row's time minus the reference's in the same round: noise that lasts a
 * round cancels out, so differences between rows hold on a noisy machine). The rows of other processes (the
 * C reference, the JVM holding a 4 GiB live heap, the JVM running as uid 65534) are {@link LaunchServer}s
 * driven over a pipe: one command byte, one launch, its time measured in that process; so they interleave
 * like the others. The table comes with {@code /proc/pressure/cpu} before and after (CPU pressure: how often
 * tasks waited for a CPU), the kernel and the JDK.
 *
 * <p>The C reference ({@link CReference}, {@code src/test/c/launch_server.c}, compiled with gcc at run time):
 * posix_spawn of {@code /bin/true}, and a clone3(CLONE_VM) child that performs exactly the system calls of
 * Panamax's compiled child program for the default spec ({@link PlanToC}), with and without the seccomp
 * filter: the ratio of a Panamax row to it is the cost of Java, the launcher and the interpreter.
 *
 * <p>Then launches in parallel: 1, 2 and 4 threads each launching the default spec and waiting for it in a
 * loop for {@code bench.seconds} (default 2), the three in shuffled order, {@code bench.parallelRounds}
 * times (default 3); launches per second and the p99 of one launch's latency.
 */
public final class LaunchBenchmark {
    private static final boolean QUICK = Boolean.getBoolean("bench.quick");
    private static final int WARMUP = setting("bench.warmup", QUICK ? 100 : 2000);
    private static final int RUNS = setting("bench.runs", QUICK ? 20 : 1000);
    private static final long SEED = setting("bench.seed", 14);
    private static final double SECONDS = Double.parseDouble(text("bench.seconds", QUICK ? "0.5" : "2"));
    private static final int PARALLEL_ROUNDS = setting("bench.parallelRounds", QUICK ? 1 : 3);
    private static final int[] THREADS = {1, 2, 4};

    private LaunchBenchmark() {
    }

    /** One launch of a row, waited for; returns its launch-to-exit time in nanoseconds. */
    interface Launch {
        long nanos() throws Exception;
    }

    /** A launch measured in this JVM. */
    interface Body {
        void once() throws Exception;
    }

    /** A row of the table. */
    record Row(String name, Launch launch) {
    }

    /**
     * Launch times in nanoseconds, {@code nanos[row][round]}: every row measured once in every round;
     * {@code retried}: the launches that failed and were made again (row: message).
     */
    record Samples(List<Row> rows, long[][] nanos, List<String> retried) {
        private int index(String name) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).name().equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no row " + name);
        }

        double median(String row) {
            return percentile(nanos[index(row)], 0.5);
        }

        double p99(String row) {
            return percentile(nanos[index(row)], 0.99);
        }

        /**
         * The median over rounds of {@code a}'s time minus {@code b}'s in the same round, in ms: paired, so
         * noise that lasts a round or longer cancels out.
         */
        double paired(String a, String b) {
            long[] x = nanos[index(a)];
            long[] y = nanos[index(b)];
            long[] d = new long[x.length];
            for (int r = 0; r < d.length; r++) {
                d[r] = x[r] - y[r];
            }
            return percentile(d, 0.5);
        }
    }

    /** The {@code p} quantile of {@code nanos} in ms (nearest rank; the median of an even count is the upper one). */
    static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = p == 0.5 ? sorted.length / 2 : (int) Math.ceil(sorted.length * p) - 1;
        return sorted[rank] / 1e6;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--serve")) {
            serve(args[1], Path.of(args[2]));
            return;
        }
        try (BusyboxRootfs root = BusyboxRootfs.create(); BenchHost host = new BenchHost()) {
            // mount points of the network rows' /etc files: the rootless server cannot create them in this rootfs
            for (String f : List.of("etc/resolv.conf", "etc/hosts", "etc/hostname")) {
                Files.writeString(root.path().resolve(f), "");
            }
            ContainerSpec base = spec(root.path()).build();
            ContainerSpec bare = spec(root.path()).noSeccomp().build();
            List<PlanToC.Plan> plans = List.of(new PlanToC.Plan("default", base),
                    new PlanToC.Plan("default without the seccomp filter", bare));
            // the container the exec rows go into: runs for the whole benchmark
            try (Container target = Launcher.launch(spec(root.path()).command("/bin/sleep", "100000").build());
                 LaunchServer c = CReference.start(plans, Path.of("target/bench"));
                 LaunchServer bigHeap = heapServer(root.path(), true);
                 LaunchServer ownJvm = heapServer(root.path(), false);
                 LaunchServer rootless = rootlessServer(root.path(), host.tun())) {
                String pressureBefore = pressure();
                List<Row> rows = new ArrayList<>(rows(root.path(), base, bare, c, bigHeap, ownJvm, rootless));
                rows.addAll(execRows(target, bigHeap, ownJvm));
                Samples samples = interleaved(rows);
                String pressureAfter = pressure();
                List<String> parallel = parallel(base);
                List<String> memory = new ArrayList<>(nativeMemory(base));
                memory.add(memory.size() - 1, createdMemory(base)); // before the caption line
                print(samples, SpecCompiler.plan(base).steps().size(), parallel, memory, pressureBefore, pressureAfter);
            }
        }
    }

    private static List<Row> rows(Path root, ContainerSpec base, ContainerSpec bare, LaunchServer c,
                                  LaunchServer bigHeap, LaunchServer ownJvm, LaunchServer rootless) {
        ContainerSpec net = spec(root).namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC,
                Namespace.NET).build();
        ContainerSpec limited = spec(root).resources(Resources.builder().memoryMax(DataSize.ofMegabytes(64))
                .pidsMax(64).cpu(CpuLimit.cores(0.5)).build()).build();
        ContainerSpec user = userSpec(root);
        ContainerSpec minimal = spec(root).noSeccomp().minimalDev(false).maskedPaths(List.of())
                .readOnlyPaths(List.of()).build();
        ContainerSpec init = spec(root).init(true).build();
        return List.of(
                new Row(C_SPAWN, () -> c.launch('s')),
                new Row(C_PLAN, () -> c.launch('0')),
                new Row(C_BARE, () -> c.launch('1')),
                new Row("ProcessBuilder /bin/true (no isolation)", timed(() -> exec(List.of("/bin/true")))),
                new Row("unshare(1) -m -p -u -i -f --mount-proc /bin/true", timed(() -> exec(List.of("unshare", "-m",
                        "-p", "-u", "-i", "-f", "--mount-proc", "/bin/true")))),
                new Row(DEFAULT, timed(() -> run(base))),
                new Row(NET, timed(() -> run(net))),
                new Row(CGROUP, timed(() -> run(limited))),
                new Row(BIG_HEAP, () -> bigHeap.launch('b')),
                new Row(OWN_JVM, () -> ownJvm.launch('b')),
                new Row(USER_AS_ROOT, timed(() -> run(user))),
                new Row(ROOTLESS, () -> rootless.launch('r')),
                new Row(BRIDGE, timed(() -> run(spec(root).network(Network.bridge(BENCH_NETWORK)).build()))),
                new Row(BRIDGE_PORT, timed(() -> run(spec(root).network(Network.bridge(BENCH_NETWORK))
                        .publish(PortMapping.tcp(BENCH_PORT, 80)).build()))),
                new Row(PASTA, () -> rootless.launch('p')),
                new Row(NO_SECCOMP, timed(() -> run(bare))),
                new Row("Panamax, the prototype's steps only (no /dev, masks, seccomp)", timed(() -> run(minimal))),
                new Row("Panamax default, with the init (pid 1, the command as pid 2)", timed(() -> run(init))));
    }

    /**
     * exec of {@code true} into {@code target}, against util-linux's nsenter doing the same from a shell, and
     * from the server JVMs with and without the 4 GiB heap (each into a container of its own).
     */
    private static List<Row> execRows(Container target, LaunchServer bigHeap, LaunchServer ownJvm) {
        return List.of(
                new Row(EXEC, execTrue(target)),
                new Row(EXEC_BIG_HEAP, () -> bigHeap.launch('e')),
                new Row(EXEC_OWN_JVM, () -> ownJvm.launch('e')),
                new Row(NSENTER, timed(() -> exec(List.of(
                        "nsenter", "-a", "-t", Long.toString(target.pid()), "/bin/true")))));
    }

    private static final String EXEC = "Panamax exec of /bin/true into a running container";
    private static final String NSENTER = "nsenter -a -t PID /bin/true (util-linux; into the same container)";
    private static final String EXEC_BIG_HEAP = "Panamax exec of /bin/true; 4 GiB live heap (own JVM)";
    private static final String EXEC_OWN_JVM = "Panamax exec of /bin/true; same JVM without the heap";

    /** One exec of {@code /bin/true} into {@code target}, timed until its exit. */
    private static Launch execTrue(Container target) {
        ProcessSpec trueCommand = ContainerSpec.builder().command("/bin/true").build().process();
        return timed(() -> {
            try (Container e = target.exec(trueCommand)) {
                if (e.waitFor().code() != 0) {
                    throw new IllegalStateException("exec failed");
                }
            }
        });
    }
    private static final String C_SPAWN = "C: posix_spawn /bin/true + waitpid";
    private static final String C_PLAN = "C: the default plan's syscalls, clone3(CLONE_VM)";
    private static final String C_BARE = "C: the same without the seccomp filter";
    private static final String DEFAULT = "Panamax default: mnt+pid+uts+ipc, rootfs, /proc";
    private static final String CGROUP = "Panamax + cgroup (memory+pids+cpu limits)";
    private static final String BIG_HEAP = "Panamax default; 4 GiB live heap (own JVM)";
    private static final String OWN_JVM = "Panamax default; own JVM like the heap row's, no live heap";
    private static final String USER_AS_ROOT = "Panamax user+mnt+pid+uts+ipc as root (uid 0 -> 0)";
    private static final String ROOTLESS = "Panamax rootless (uid 65534, own JVM) user+mnt+pid+uts+ipc";
    private static final String NET = "Panamax + net (lo up)";
    private static final String BRIDGE = "Panamax + net on a bridge (veth, lease, address, route, /etc files)";
    private static final String BRIDGE_PORT = "Panamax + net on a bridge + a published port (nft)";
    private static final String PASTA = "Panamax rootless (uid 65534, own JVM) + net, user mode (pasta)";
    /** The bridge network of the bridge rows, removed after the run with what it made on the host. */
    private static final BridgeNetwork BENCH_NETWORK = BridgeNetwork.defaults().withName("pmxbench0")
            .withSubnet(IpPrefix.parse("10.199.0.0/24")).withoutIpv6();
    private static final int BENCH_PORT = 18099;
    private static final String NO_SECCOMP = "Panamax default without the seccomp filter";

    /**
     * Warm-up rounds, then measured rounds; each round runs every row once in a shuffled order.
     * Prints a dot every 10% so that a long run shows it is alive.
     */
    private static Samples interleaved(List<Row> rows) throws Exception {
        Random random = new Random(SEED);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        int warmupRounds = (WARMUP + rows.size() - 1) / rows.size();
        long[][] nanos = new long[rows.size()][RUNS];
        List<String> retried = new ArrayList<>();
        System.err.printf(Locale.ROOT, "%d rows: %d warm-up rounds, %d measured rounds%n", rows.size(), warmupRounds,
                RUNS);
        for (int round = -warmupRounds; round < RUNS; round++) {
            Collections.shuffle(order, random);
            for (int i : order) {
                long ns;
                try {
                    ns = rows.get(i).launch().nanos();
                } catch (Exception e) {
                    // what other processes do can fail a launch (another JVM removing and re-creating the shared
                    // cgroup parent): retried once and listed under the table, not hidden, not fatal
                    System.err.println("retrying a failed launch of " + rows.get(i).name() + ": " + e);
                    retried.add(rows.get(i).name() + ": " + String.valueOf(e.getMessage()).lines().findFirst()
                            .orElse(""));
                    ns = rows.get(i).launch().nanos();
                }
                if (round >= 0) {
                    nanos[i][round] = ns;
                }
            }
            if (round >= 0 && RUNS >= 10 && (round + 1) % (RUNS / 10) == 0) {
                System.err.print('.');
            }
        }
        System.err.println();
        return new Samples(rows, nanos, retried);
    }

    /**
     * Launches per second and latency with 1, 2 and 4 threads, each launching {@code spec} and waiting for it
     * in a loop for {@link #SECONDS}; the thread counts in shuffled order, {@link #PARALLEL_ROUNDS} times.
     */
    private static List<String> parallel(ContainerSpec spec) throws Exception {
        Random random = new Random(SEED);
        List<List<Long>> latencies = new ArrayList<>();
        double[] elapsed = new double[THREADS.length];
        long[][] cpu = new long[THREADS.length][2];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < THREADS.length; i++) {
            order.add(i);
            latencies.add(Collections.synchronizedList(new ArrayList<>()));
        }
        for (int round = 0; round < PARALLEL_ROUNDS; round++) {
            Collections.shuffle(order, random);
            for (int i : order) {
                long[] before = cpuTicks();
                elapsed[i] += burst(spec, THREADS[i], latencies.get(i));
                long[] after = cpuTicks();
                cpu[i][0] += after[0] - before[0];
                cpu[i][1] += after[1] - before[1];
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < THREADS.length; i++) {
            long[] nanos = latencies.get(i).stream().mapToLong(Long::longValue).toArray();
            double tick = 1000.0 / TICKS_PER_SECOND / nanos.length;
            lines.add(String.format(Locale.ROOT, "| %d | %.0f | %.2f | %.2f | %.2f | %.2f |", THREADS[i],
                    nanos.length / elapsed[i], percentile(nanos, 0.5), percentile(nanos, 0.99), cpu[i][0] * tick,
                    cpu[i][1] * tick));
        }
        return lines;
    }

    /** USER_HZ, the unit of /proc/self/stat's times (100 on every Linux architecture this runs on). */
    private static final int TICKS_PER_SECOND = 100;

    /**
     * CPU time of this JVM (user + system) and of its reaped children (the containers: their whole lives,
     * setup in the kernel included), in ticks, from {@code /proc/self/stat}.
     */
    private static long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: field 14 utime is f[11], then stime, cutime, cstime
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }

    /**
     * Native memory over many launches of {@code spec} in this JVM: resident set size and (with
     * {@code -XX:NativeMemoryTracking=summary}, which exec:exec@bench passes) the JVM's committed native
     * memory, after 1,000 launches (warm) and after 10,000 more ({@code bench.quick}: 1,000).
     */
    private static List<String> nativeMemory(ContainerSpec spec) throws Exception {
        int more = QUICK ? 1000 : 10_000;
        for (int i = 0; i < 1000; i++) {
            run(spec);
        }
        System.gc();
        long rss0 = rssKiB();
        long nmt0 = nmtCommittedKiB();
        for (int i = 0; i < more; i++) {
            run(spec);
        }
        System.gc();
        long rss1 = rssKiB();
        long nmt1 = nmtCommittedKiB();
        return List.of(String.format(Locale.ROOT, "| resident set (VmRSS) | %d | %d | %+d |", rss0, rss1, rss1 - rss0),
                nmt0 < 0 ? "| JVM native memory committed (NMT) | not tracked (run with -XX:NativeMemoryTracking=summary) | | |"
                        : String.format(Locale.ROOT, "| JVM native memory committed (NMT) | %d | %d | %+d |", nmt0, nmt1,
                        nmt1 - nmt0),
                String.format(Locale.ROOT, "(KiB; after 1,000 warm launches, then after %,d more)", more));
    }

    /**
     * The resident set of created containers waiting for their start (target: at most 1 MiB each): 20 created
     * at once, the median and largest VmRSS of their waiting processes, then each started and run to its end.
     */
    private static String createdMemory(ContainerSpec spec) throws Exception {
        List<dev.panamax.CreatedContainer> created = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                created.add(Launcher.create(spec));
            }
            for (dev.panamax.CreatedContainer c : created) {
                rss.add(rssKiB(Path.of("/proc/" + c.pid() + "/status")));
            }
            for (dev.panamax.CreatedContainer c : created) {
                c.start();
                if (c.waitFor().code() != 0) {
                    throw new IllegalStateException("a created container failed");
                }
            }
        } finally {
            for (dev.panamax.CreatedContainer c : created) {
                c.close();
            }
        }
        Collections.sort(rss);
        return String.format(Locale.ROOT, "| a created container waiting for its start (VmRSS of 20; target <= 1024) "
                + "| median %d | largest %d | |", rss.get(rss.size() / 2), rss.getLast());
    }

    private static long rssKiB() throws IOException {
        return rssKiB(Path.of("/proc/self/status"));
    }

    private static long rssKiB(Path status) throws IOException {
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    }

    /** The "Total: ... committed=NKB" of {@code jcmd PID VM.native_memory summary}, or -1 when NMT is off. */
    private static long nmtCommittedKiB() throws IOException, InterruptedException {
        Path javaCommand = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process jcmd = new ProcessBuilder(javaCommand.resolveSibling("jcmd").toString(),
                Long.toString(ProcessHandle.current().pid()), "VM.native_memory", "summary")
                .redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        jcmd.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB")
                .matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** {@code threads} threads launching for {@link #SECONDS}; returns the seconds they took in all. */
    private static double burst(ContainerSpec spec, int threads, List<Long> latencies) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> started = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        latencies.add(timed(() -> run(spec)).nanos());
                    }
                } catch (Exception | Error e) {
                    failures.add(e);
                }
            }));
        }
        Thread.sleep((long) (SECONDS * 1000));
        stop.set(true);
        for (Thread t : started) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a parallel launch failed", failures.getFirst());
        }
        return seconds;
    }

    private static ContainerSpec.Builder spec(Path root) {
        return ContainerSpec.builder().rootfs(root).hostname("bench")
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC).command("/bin/true");
    }

    /** The same container with a user namespace mapping the caller to root (rootless when not root). */
    private static ContainerSpec userSpec(Path root) {
        return spec(root).namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC)
                .mapCurrentUserToRoot().build();
    }

    private static Launch timed(Body body) {
        return () -> {
            long t0 = System.nanoTime();
            body.once();
            return System.nanoTime() - t0;
        };
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

    /**
     * A server JVM ({@code --serve KIND ROOT}): the base row in a JVM holding 4 GiB or in the same JVM without
     * them, or the rootless row.
     */
    private static void serve(String kind, Path root) throws Exception {
        switch (kind) {
            case "small-heap", "big-heap" -> {
                long[][] live = new long[kind.equals("big-heap") ? 4096 : 0][];
                for (int i = 0; i < live.length; i++) {
                    live[i] = new long[128 * 1024]; // 1 MiB each, 4 GiB in all, touched
                    Arrays.fill(live[i], i);
                }
                ContainerSpec base = spec(root).build();
                try (Container target = Launcher.launch(spec(root).command("/bin/sleep", "100000").build())) {
                    LaunchServer.serve(Map.of('b', timed(() -> run(base)), 'e', execTrue(target)));
                }
                Reference.reachabilityFence(live);
            }
            case "rootless" -> {
                ContainerSpec user = userSpec(root);
                ContainerSpec pasta = spec(root).namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID,
                        Namespace.UTS, Namespace.IPC, Namespace.NET).mapCurrentUserToRoot()
                        .network(Network.userMode()).publish(PortMapping.tcp(BENCH_PORT + 1, 80)).build();
                LaunchServer.serve(Map.of('r', timed(() -> run(user)), 'p', timed(() -> run(pasta))));
            }
            default -> throw new IllegalArgumentException("no server " + kind);
        }
    }

    /**
     * The base row in a JVM that keeps 4 GiB of live objects (launch cost must not grow with the heap), or
     * without them in the same kind of JVM: the pair separates the heap from running in another process.
     */
    private static LaunchServer heapServer(Path root, boolean live) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return LaunchServer.start(List.of(java, "-Xms6g", "-Xmx6g", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), LaunchBenchmark.class.getName(), "--serve",
                live ? "big-heap" : "small-heap", root.toString()));
    }

    /**
     * The user-namespace rows in a JVM running as nobody (65534): real rootless launches. It runs in a private
     * mount namespace with {@code tun} (a 0666 tun node) bound over /dev/net/tun, which is 0600 on some hosts and
     * which pasta must open as the user; the host's node is never changed.
     */
    private static LaunchServer rootlessServer(Path root, Path tun) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classes = Arrays.stream(System.getProperty("java.class.path").split(":"))
                .filter(p -> p.endsWith("classes")).reduce((a, b) -> a + ":" + b).orElseThrow();
        return LaunchServer.start(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" /dev/net/tun && exec \"$@\"", tun.toString(), "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", classes, LaunchBenchmark.class.getName(), "--serve",
                "rootless", root.toString()));
    }

    /**
     * What the network rows change on the host, put back at the end: the bench bridge with its NAT element and
     * leases, Panamax's nftables table if the run made it, the IPv4 forwarding sysctl; and the tun node.
     */
    private static final class BenchHost implements AutoCloseable {
        private final Path forward = Path.of("/proc/sys/net/ipv4/ip_forward");
        private final String forwardBefore;
        private final boolean tableBefore;
        private final Path dir;

        BenchHost() throws IOException, InterruptedException {
            forwardBefore = Files.readString(forward);
            tableBefore = new ProcessBuilder("nft", "list", "table", "inet", Nftables.DEFAULT_TABLE)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
            dir = Files.createTempDirectory("panamax-bench-tun");
            Process mknod = new ProcessBuilder("mknod", "-m", "666", tun().toString(), "c", "10", "200").inheritIO()
                    .start();
            if (mknod.waitFor() != 0) {
                throw new IllegalStateException("mknod " + tun() + " failed");
            }
        }

        Path tun() {
            return dir.resolve("tun");
        }

        @Override
        public void close() throws IOException {
            Bridges.remove(BENCH_NETWORK);
            if (!tableBefore) {
                new Nftables().removeTable();
            }
            Files.writeString(forward, forwardBefore);
            BusyboxRootfs.deleteTree(dir);
            BusyboxRootfs.deleteTree(Path.of("/run/panamax/leases", BENCH_NETWORK.name()));
            BusyboxRootfs.deleteTree(Path.of("/run/panamax/containers", BENCH_NETWORK.name()));
        }
    }

    /** The "some" line of {@code /proc/pressure/cpu}, or why there is none. */
    private static String pressure() {
        try {
            return Files.readAllLines(Path.of("/proc/pressure/cpu")).getFirst();
        } catch (IOException | RuntimeException e) {
            return "(no /proc/pressure/cpu: " + e.getMessage() + ")";
        }
    }

    private static void print(Samples samples, int planSteps, List<String> parallel, List<String> memory,
                              String before, String after) throws IOException {
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        System.out.printf(Locale.ROOT, "Launch-to-exit of `true`: %d rounds after %d warm-up launches, rows "
                        + "interleaved in random order (seed %d); %d cores, kernel %s, JDK %s (%s); the default plan "
                        + "has %d system calls%n%n", RUNS, WARMUP, SEED, Runtime.getRuntime().availableProcessors(),
                kernel, Runtime.version(), System.getProperty("java.vm.name"), planSteps);
        System.out.println("CPU pressure before: " + before);
        System.out.println("CPU pressure after:  " + after);
        System.out.println();
        double reference = samples.median(C_PLAN);
        System.out.println("| row | median ms | p99 ms | / C plan | paired vs C plan, ms |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Row row : samples.rows()) {
            String name = row.name();
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %+.2f |%n", name, samples.median(name),
                    samples.p99(name), samples.median(name) / reference, samples.paired(name, C_PLAN));
        }
        System.out.printf(Locale.ROOT, "%nLaunches that failed and were made again: %d%n", samples.retried().size());
        samples.retried().forEach(r -> System.out.println("- " + r));
        System.out.println();
        System.out.println("| launching threads | launches/s | median ms | p99 ms | JVM CPU ms/launch | containers' CPU ms/launch |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        parallel.forEach(System.out::println);
        System.out.println();
        System.out.println("| memory | warm | after the launches | growth |");
        System.out.println("|---|---:|---:|---:|");
        memory.forEach(System.out::println);
        double base = samples.median(DEFAULT);
        System.out.println();
        System.out.printf(Locale.ROOT, "Panamax default / C doing its plan: %.2fx (target <= 1.2x). Paired medians: "
                        + "the seccomp filter costs %.2f ms in Panamax, %.2f ms in C; the cgroup adds %.2f ms (target "
                        + "<= 0.4); the 4 GiB heap %+.2f ms (against the same JVM without it); rootless - user namespace as root %+.2f ms (%.2fx)%n",
                base / reference, samples.paired(DEFAULT, NO_SECCOMP), samples.paired(C_PLAN, C_BARE),
                samples.paired(CGROUP, DEFAULT), samples.paired(BIG_HEAP, OWN_JVM),
                samples.paired(ROOTLESS, USER_AS_ROOT), samples.median(ROOTLESS) / samples.median(USER_AS_ROOT));
        System.out.printf(Locale.ROOT, "Networks, paired medians against loopback only: a bridge adds %.2f ms "
                        + "(target <= 1), with a published port %.2f ms; rootless with pasta adds %.2f ms to rootless "
                        + "without a network namespace%n", samples.paired(BRIDGE, NET), samples.paired(BRIDGE_PORT, NET),
                samples.paired(PASTA, ROOTLESS));
        System.out.printf(Locale.ROOT, "exec of true: %.2f ms median (target <= 3), with the 4 GiB heap %.2f ms "
                        + "(%+.2f ms paired against the same JVM without it); nsenter -a %.2f ms%n", samples.median(EXEC),
                samples.median(EXEC_BIG_HEAP), samples.paired(EXEC_BIG_HEAP, EXEC_OWN_JVM),
                samples.median(NSENTER));
    }

    private static int setting(String name, int fallback) {
        String value = text(name, "");
        return value.isEmpty() ? fallback : Integer.parseInt(value);
    }

    private static String text(String name, String fallback) {
        String value = System.getProperty(name, "").strip();
        return value.isEmpty() ? fallback : value;
    }
}
