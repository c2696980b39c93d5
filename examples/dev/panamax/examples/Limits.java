package dev.panamax.examples;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Cgroup limits through the container handle: a memory-hungry process under a memory limit ends in an OOM
 * kill the exit status reports; then a busy loop under a CPU quota of 0.2 cores, whose measured share
 * comes from {@link Container#stats()}.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@limits                     # as root; the default rootfs
 * mvn -q -B -DskipTests test-compile exec:exec@limits -Dargs=/srv/rootfs  # any rootfs with /bin/sh
 * </pre>
 */
public final class Limits {
    private static final DataSize MEMORY = DataSize.ofMegabytes(32);
    private static final double CORES = 0.2;
    private static final Duration MEASURE = Duration.ofSeconds(2);

    private Limits() {
    }

    public static void main(String[] args) {
        Examples.run("limits", () -> {
            Path rootfs = Examples.rootfs(args, 0);
            memory(rootfs);
            cpu(rootfs);
            return 0;
        });
    }

    private static ContainerSpec busy(Path rootfs, String script, Resources limits) {
        return ContainerSpec.builder().rootfs(rootfs).command("/bin/sh", "-c", script).resources(limits)
                .stdout(Stdio.discard()).stderr(Stdio.discard()).build();
    }

    /** The shell doubles a string until the memory limit stops it. */
    private static void memory(Path rootfs) throws InterruptedException {
        Resources limits = Resources.builder().memoryMax(MEMORY).swapMax(DataSize.ofBytes(0)).build();
        System.out.println("memory: a shell doubling a string under memory.max = " + MEMORY + ", no swap");
        try (Container c = Launcher.launch(busy(rootfs, "x=0123456789abcdef; while :; do x=$x$x; done", limits))) {
            ExitStatus status = c.waitFor(Duration.ofSeconds(60)).orElseThrow(
                    () -> new IllegalStateException("the memory hog still runs after 60 s"));
            long peak = c.stats().memoryPeak().orElse(-1);
            System.out.println("memory: the container " + status
                    + (peak >= 0 ? " (peak " + DataSize.ofBytes(peak) + ")" : ""));
            System.out.println(status.oomKilled() ? "memory: OOM kill reported by the handle"
                    : "memory: no OOM kill (status " + status + ")");
        }
    }

    /** A busy loop for a while under the quota: CPU time used divided by wall time is the share it got. */
    private static void cpu(Path rootfs) throws InterruptedException {
        Resources limits = Resources.builder().cpu(CpuLimit.cores(CORES)).build();
        System.out.println("cpu: a busy loop under a quota of " + CORES + " cores, measured over " + MEASURE.toSeconds() + " s");
        try (Container c = Launcher.launch(busy(rootfs, "while :; do :; done", limits))) {
            long cpu0 = c.stats().cpuUsageNanos().orElseThrow(() -> new IllegalStateException("no cpu accounting"));
            long wall0 = System.nanoTime();
            Thread.sleep(MEASURE);
            long cpu = c.stats().cpuUsageNanos().orElseThrow() - cpu0;
            long wall = System.nanoTime() - wall0;
            System.out.printf("cpu: measured share %.2f cores (limit %.2f)%n", (double) cpu / wall, CORES);
            c.killAll();
        }
    }
}
