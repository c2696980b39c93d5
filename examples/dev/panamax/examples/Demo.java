package dev.panamax.examples;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.IdMap;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.sys.Namespace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The flagship demo: starts a container on a root filesystem built from this host's own programs and
 * prints, side by side with the host, what proves it is isolated: hostname, PIDs and processes, mounts,
 * the cgroup limits in force, the user mapping and the network interfaces; then how long a launch takes.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@demo          # as root, from a fresh clone
 * </pre>
 *
 * <p>The rootfs is built once into {@code ~/.cache/panamax/rootfs} ({@code -Dpanamax.rootfs=DIR} to move it).
 */
public final class Demo {
    static final String HOSTNAME = "panamax-demo";
    static final DataSize MEMORY = DataSize.ofMegabytes(64);
    static final long PIDS = 32;
    private static final int LAUNCHES = 21;
    private static final int WARMUP = 30;

    /** One shell script prints every fact, each under an {@code @name} line. */
    private static final String PROBE = String.join("\n",
            "echo @hostname; cat /proc/sys/kernel/hostname",
            "echo @pid; echo $$",
            "echo @ps; ps -e -o pid=,comm= 2>/dev/null || for p in /proc/[0-9]*; do echo \"${p#/proc/} $(cat $p/comm)\"; done",
            "echo @mountinfo; cat /proc/self/mountinfo",
            "echo @cgroup; cat /proc/self/cgroup",
            "echo @uid_map; cat /proc/self/uid_map",
            "echo @net; cat /proc/net/dev");

    private Demo() {
    }

    public static void main(String[] args) {
        Examples.run("demo", () -> {
            Path rootfs = Examples.rootfs(args, 0);
            ContainerSpec.Builder spec = ContainerSpec.builder()
                    .rootfs(rootfs)
                    .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC,
                            Namespace.NET)
                    // a user namespace with the first 65536 ids; the Rootless example maps an unprivileged
                    // user instead (here the rootfs lives in root's home, which other uids cannot enter)
                    .uidMap(IdMap.of(0, 0, 65_536))
                    .gidMap(IdMap.of(0, 0, 65_536))
                    .hostname(HOSTNAME)
                    .resources(Resources.builder().memoryMax(MEMORY).pidsMax(PIDS).build())
                    .stdout(Stdio.pipe())
                    .stderr(Stdio.discard());
            Facts inside;
            Facts host = Facts.ofHost();
            Map<String, String> limits;
            try (Container c = Launcher.launch(spec.command("/bin/sh", "-c", PROBE).build())) {
                String out = new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8);
                ExitStatus status = c.waitFor(Duration.ofSeconds(30)).orElseThrow(
                        () -> new IllegalStateException("the probe did not finish within 30 s"));
                if (!status.exited() || status.code() != 0) {
                    throw new IllegalStateException("the probe in the container " + status + "; it printed:\n" + out);
                }
                inside = Facts.parse(out);
                limits = CgroupFiles.limits(inside.cgroupText); // read on the host while the cgroup exists
            }
            ContainerSpec quick = spec.command("/bin/sh", "-c", "exit 0").build();
            double launchMs = medianLaunchMillis(ContainerSpec.builder().rootfs(rootfs).hostname(HOSTNAME)
                    .command(quick.process().argv()).stdout(Stdio.discard()).build());
            double withCgroupMs = medianLaunchMillis(quick);
            Table.print(host, inside, CgroupFiles.limits(host.cgroupText), limits);
            System.out.println();
            System.out.printf("Isolated: hostname %s, PID %s sees %d processes, %d mounts of its own (host: %d), "
                    + "memory %s / %s pids, %s. Launch time %.1f ms, %.1f ms with a new cgroup (median of %d in this"
                    + " young JVM; the benchmark measures a warm one).%n",
                    inside.hostname, inside.pid, inside.ps.size(), inside.mounts.size(), host.mounts.size(),
                    limits.get("memory"), limits.get("pids"),
                    inside.interfaces.equals(List.of("lo")) ? "network: lo only" : "network: " + inside.interfaces,
                    launchMs, withCgroupMs, LAUNCHES);
            return 0;
        });
    }

    /**
     * Time from {@code launch} to the container's execve, the median of a few after a short warm-up (a cold
     * JVM interprets the launch path; `mvn -q -B -DskipTests test-compile exec:exec@bench` measures it properly).
     */
    private static double medianLaunchMillis(ContainerSpec spec) throws InterruptedException {
        double[] ms = new double[LAUNCHES];
        for (int i = -WARMUP; i < LAUNCHES; i++) {
            long t0 = System.nanoTime();
            try (Container c = Launcher.launch(spec)) {
                long t1 = System.nanoTime();
                c.waitFor();
                if (i >= 0) {
                    ms[i] = (t1 - t0) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        return ms[LAUNCHES / 2];
    }

    /** What one side sees. */
    record Facts(String hostname, String pid, List<String> ps, List<String> mounts, String cgroupText,
                 String uidMap, List<String> interfaces) {

        static Facts parse(String probeOutput) {
            Map<String, List<String>> sections = new LinkedHashMap<>();
            List<String> current = null;
            for (String line : probeOutput.split("\n")) {
                if (line.startsWith("@")) {
                    current = sections.computeIfAbsent(line.substring(1), k -> new ArrayList<>());
                } else if (current != null) {
                    current.add(line);
                }
            }
            return new Facts(first(sections, "hostname"), first(sections, "pid"), trimmed(sections.get("ps")),
                    sections.getOrDefault("mountinfo", List.of()), String.join("\n", sections.getOrDefault("cgroup", List.of())),
                    first(sections, "uid_map"), interfaces(sections.getOrDefault("net", List.of())));
        }

        static Facts ofHost() throws IOException {
            List<String> ps;
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                ps = all.map(p -> p.pid() + " " + read("/proc/" + p.pid() + "/comm")).toList();
            }
            return new Facts(read("/proc/sys/kernel/hostname"), String.valueOf(ProcessHandle.current().pid()), ps,
                    Files.readAllLines(Path.of("/proc/self/mountinfo")), read("/proc/self/cgroup"),
                    read("/proc/self/uid_map"), interfaces(Files.readAllLines(Path.of("/proc/net/dev"))));
        }

        /** The mount whose mount point is /: "directory (source)", from its mountinfo line. */
        String rootMount() {
            for (String line : mounts) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].equals("/")) {
                    String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
                    return f[3] + " (" + after[1] + ")";   // the directory of the filesystem that is /
                }
            }
            return "?";
        }

        private static String first(Map<String, List<String>> sections, String name) {
            List<String> lines = sections.getOrDefault(name, List.of());
            return lines.isEmpty() ? "?" : lines.getFirst().strip();
        }

        private static List<String> trimmed(List<String> lines) {
            return lines == null ? List.of() : lines.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }

        /** Interface names from /proc/net/dev (two header lines, then "name: counters"). */
        private static List<String> interfaces(List<String> lines) {
            return lines.stream().skip(2).filter(l -> l.contains(":"))
                    .map(l -> l.substring(0, l.indexOf(':')).strip()).sorted().toList();
        }

        private static String read(String path) {
            try {
                return Files.readString(Path.of(path)).strip();
            } catch (IOException gone) {
                return "?";
            }
        }
    }
}
