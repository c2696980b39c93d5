package dev.panamax.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cold start of the panamax command, hyperfine-style: each variant a fresh process, the variants of a round
 * interleaved (the start rotates each round), so that load on the machine hits all of them alike. Compares
 * {@code runc --version} / {@code runc spec} with the built layout's {@code bin/panamax}, and the JVM flags one
 * by one (the AOT cache, C1 only, serial GC, CDS off). Beside the wall-clock time it reports the CPU time
 * (user + system, from {@code /usr/bin/time}, 10 ms resolution), which load on a shared machine inflates far
 * less. Not a test: {@code mvn -o -B -DskipTests package exec:exec@bench-cli} (-Dargs="ROUNDS", default 15).
 *
 * <p>The last rows: a cold {@code run} of a busybox bundle with runc, crun and panamax, and {@code podman run --rm}
 * of a busybox image with each of them as podman's runtime (the engine tests' podman fixture; without podman
 * those rows are left out, saying so). A podman row's CPU is podman's own only: conmon detaches, so neither it
 * nor the runtime it starts is counted. {@code -Dargs="ROUNDS run"} times only these rows; {@code -Dargs="ROUNDS
 * run OTHER"} adds the same rows for another build's layout ({@code OTHER/bin/panamax}), interleaved, to compare
 * two builds under the same load.
 */
public final class CliBenchmark {
    private CliBenchmark() {
    }

    /**
     * Runs the rounds and prints a table of milliseconds per variant.
     *
     * @param args the number of rounds, optional
     * @throws Exception when a variant fails
     */
    public static void main(String[] args) throws Exception {
        String[] words = args.length > 0 ? String.join(" ", args).strip().split("\\s+") : new String[0];
        int rounds = words.length > 0 && !words[0].isBlank() ? Integer.parseInt(words[0]) : 15;
        boolean runOnly = words.length > 1 && words[1].equals("run");
        Path other = words.length > 2 ? Path.of(words[2]).toAbsolutePath() : null;
        Path layout = Path.of(System.getProperty("panamax.build.dir", "target"), "panamax-cli").toAbsolutePath();
        Path lib = layout.resolve("lib");
        Path java = Path.of(Files.readString(lib.resolve("java-home")).strip(), "bin", "java");
        List<String> module = List.of("-p", lib.toString(), "-m", "dev.panamax/dev.panamax.cli.Main");
        List<String> options = Files.readAllLines(lib.resolve("jvm.options")).stream().filter(l -> !l.isBlank()).toList();
        List<String> bare = List.of("--enable-native-access=dev.panamax", "--add-modules=ALL-MODULE-PATH");
        String aot = "-XX:AOTCache=" + lib.resolve("panamax.aot");

        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (String cmd : runOnly ? List.<String>of() : List.of("--version", "spec")) {
            variants.put("runc " + cmd, List.of("runc", cmd));
            variants.put("bin/panamax " + cmd, List.of(layout.resolve("bin/panamax").toString(), cmd));
            variants.put("java " + cmd + ": jvm.options + AOT", concat(java, options, List.of(aot), module, cmd));
            variants.put("java " + cmd + ": jvm.options, no AOT", concat(java, options, List.of(), module, cmd));
            if (cmd.equals("--version")) {
                variants.put("java " + cmd + ": bare (default JVM flags)", concat(java, bare, List.of(), module, cmd));
                variants.put("java " + cmd + ": bare + AOT", concat(java, bare, List.of(aot), module, cmd));
                variants.put("java " + cmd + ": bare + TieredStopAtLevel=1",
                        concat(java, bare, List.of("-XX:TieredStopAtLevel=1"), module, cmd));
                variants.put("java " + cmd + ": bare + UseSerialGC",
                        concat(java, bare, List.of("-XX:+UseSerialGC"), module, cmd));
                variants.put("java " + cmd + ": bare + Xss256k", concat(java, bare, List.of("-Xss256k"), module, cmd));
                variants.put("java " + cmd + ": bare + Xshare:off", concat(java, bare, List.of("-Xshare:off"), module, cmd));
                variants.put("java " + cmd + ": jvm.options + AOT + -XX:-UsePerfData",
                        concat(java, options, List.of(aot, "-XX:-UsePerfData"), module, cmd));
                variants.put("java " + cmd + ": jvm.options + AOT + no verification (not adopted)",
                        concat(java, options, List.of(aot, "-XX:+UnlockDiagnosticVMOptions",
                                "-XX:-BytecodeVerificationRemote"), module, cmd));
                variants.put("java -version (JVM start alone, default flags)", List.of(java.toString(), "-version"));
            }
        }
        Path bench = Files.createTempDirectory("pmx-bench-run-");
        Path bundle = runBundle(bench);
        Path state = Files.createDirectories(bench.resolve("state"));
        // a cold `run` of /bin/true to its end (create, start, wait, delete), as an engine calls it; {ID} is
        // made unique per call. crun refuses this hybrid host's unified mount (MACHINE-NOTES): it runs in a
        // private mount namespace with a tmpfs over /sys/fs/cgroup/unified, which the host never sees
        variants.put("runc run (busybox bundle, /bin/true)", List.of("runc", "--root", state + "/runc", "run",
                "--bundle", bundle.toString(), "{ID}"));
        variants.put("crun run (same bundle; unified mount hidden)", List.of("unshare", "-m", "--propagation",
                "private", "sh", "-c", "mount -t tmpfs none /sys/fs/cgroup/unified && exec crun --root " + state
                        + "/crun run --bundle " + bundle + " {ID}"));
        variants.put("bin/panamax run (same bundle)", List.of(layout.resolve("bin/panamax").toString(), "--root",
                state + "/panamax", "run", "--bundle", bundle.toString(), "{ID}"));
        if (other != null) {
            variants.put("other build: bin/panamax run", List.of(other.resolve("bin/panamax").toString(), "--root",
                    state + "/other", "run", "--bundle", bundle.toString(), "{ID}"));
        }
        // the same wrapper as crun's row above, as podman's runtime: podman runs it for create, start, state, delete
        Path crun = bench.resolve("crun-unified-hidden");
        Files.writeString(crun, "#!/bin/sh\nexec unshare -m --propagation private sh -c"
                + " 'mount -t tmpfs none /sys/fs/cgroup/unified && exec crun \"$@\"' crun \"$@\"\n");
        Files.setPosixFilePermissions(crun, PosixFilePermissions.fromString("rwx------"));
        dev.panamax.engine.Podman podman = null;
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        if (new ProcessBuilder("sh", "-c", "command -v podman").start().waitFor() == 0) {
            podman = dev.panamax.engine.Podman.start();
            Map<String, Path> runtimes = new LinkedHashMap<>();
            runtimes.put("runc", Path.of("/usr/sbin/runc"));
            runtimes.put("crun, unified mount hidden", crun);
            runtimes.put("panamax", layout.resolve("bin/panamax"));
            if (other != null) {
                runtimes.put("other build's panamax", other.resolve("bin/panamax"));
            }
            for (Map.Entry<String, Path> r : runtimes.entrySet()) {
                String name = "podman run --rm busybox /bin/true (" + r.getKey() + ")";
                variants.put(name, podman.runCommand(r.getValue(), List.of("--rm"), "/bin/true"));
                environments.put(name, podman.environment());
            }
        } else {
            System.out.println("no podman on the PATH: the podman rows are left out");
        }
        List<String> names = new ArrayList<>(variants.keySet());
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        names.forEach(n -> millis.put(n, new ArrayList<>()));
        names.forEach(n -> cpu.put(n, new ArrayList<>()));
        Path scratch = Files.createTempDirectory("pmx-bench-cli-");
        try (dev.panamax.engine.Podman closing = podman) {
            for (int round = -1; round < rounds; round++) { // round -1: warm the page cache, not counted
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get((i + Math.max(round, 0)) % names.size());
                    double[] ms = time(variants.get(name), environments.getOrDefault(name, Map.of()), scratch);
                    if (round >= 0) {
                        millis.get(name).add(ms[0]);
                        cpu.get(name).add(ms[1]);
                    }
                }
            }
        } finally {
            deleteTree(bench);
            try (Stream<Path> paths = Files.walk(scratch)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        System.out.printf("%d rounds, interleaved; load average at the end: %s%n", rounds,
                Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf("%-66s %8s %8s %8s %10s%n", "variant (ms)", "median", "min", "mean", "CPU median");
        for (String name : names) {
            double[] v = millis.get(name).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] c = cpu.get(name).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("%-66s %8.1f %8.1f %8.1f %10.0f%n", name, v[v.length / 2], v[0],
                    Arrays.stream(v).average().orElse(0), c[c.length / 2]);
        }
    }

    /** A bundle from {@code runc spec}: a busybox rootfs, /bin/true, no terminal, a cgroup below /panamax. */
    private static Path runBundle(Path dir) throws IOException, InterruptedException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/usr/bin/busybox"), bin.resolve("busybox"));
        Files.createSymbolicLink(bin.resolve("true"), Path.of("busybox"));
        if (new ProcessBuilder("runc", "spec", "--bundle", bundle.toString()).start().waitFor() != 0) {
            throw new IllegalStateException("runc spec failed");
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(bundle.resolve("config.json")
                .toFile());
        var process = (com.fasterxml.jackson.databind.node.ObjectNode) config.get("process");
        process.put("terminal", false);
        process.putArray("args").add("/bin/true");
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("linux")).put("cgroupsPath",
                "/panamax/pmxbench");
        json.writeValue(bundle.resolve("config.json").toFile(), config);
        return bundle;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<String> concat(Path java, List<String> options, List<String> extra, List<String> module,
                                       String cmd) {
        List<String> all = new ArrayList<>();
        all.add(java.toString());
        all.addAll(options);
        all.addAll(extra);
        all.addAll(module);
        all.add(cmd);
        return all;
    }

    /**
     * Milliseconds from start to exit, and of CPU (user + system, as {@code /usr/bin/time} reports them);
     * {@code spec} runs in a fresh directory, status 0 required.
     */
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    private static double[] time(List<String> command, Map<String, String> env, Path scratch)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(scratch, "b");
        Path times = scratch.resolve("times");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString()));
        String id = "pmxbench" + IDS.incrementAndGet();
        command.forEach(arg -> timed.add(arg.replace("{ID}", id)));
        ProcessBuilder pb = new ProcessBuilder(timed).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        int status = p.waitFor();
        double ms = (System.nanoTime() - start) / 1e6;
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": status " + status);
        }
        Files.deleteIfExists(dir.resolve("config.json"));
        Files.delete(dir);
        String[] cpu = Files.readString(times).strip().split(" ");
        return new double[] {ms, (Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1])) * 1000};
    }
}
