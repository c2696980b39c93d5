package dev.panamax.cgroup;

import static dev.panamax.cgroup.CgroupFixtures.await;
import static dev.panamax.cgroup.CgroupFixtures.exitOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Limits enforced by the kernel on real processes, through the host's default driver (v1, v2 or hybrid). */
@Tag("cgroup")
class CgroupLimitsTest extends CgroupTestBase {

    private Cgroup create(String test, Resources r) {
        return fx.track(CgroupManager.system().create("panamax-" + test + "-" + UUID.randomUUID(), r));
    }

    @Test
    void memoryLimitMakesAnAllocatingProcessDieByOom() throws Exception {
        Resources.Builder b = Resources.builder().memoryMax(DataSize.ofMegabytes(32));
        if (CgroupFixtures.hostHasSwap()) {
            b.swapMax(DataSize.ofBytes(0));
        }
        Cgroup cg = create("oom", b.build());
        assertEquals(0, cg.oomKillCount(), "fresh cgroup has no OOM kills");
        Process p = fx.startIn(cg, "exec tail /dev/zero");   // buffers one endless line
        assertEquals(128 + 9, exitOf(p, Duration.ofSeconds(60)), "exit status of a process killed by SIGKILL");
        await(cg::oomKilled, Duration.ofSeconds(5), "the cgroup reports an OOM kill");
        assertTrue(cg.oomKillCount() >= 1, "oom_kill counted: " + cg.oomKillCount());
        Path memory = cg.path("memory").orElseThrow();
        // memory.peak is there from Linux 5.19 on v2; v1 always has memory.max_usage_in_bytes
        boolean peakFile = Files.exists(memory.resolve("memory.peak"))
                || Files.exists(memory.resolve("memory.max_usage_in_bytes"));
        OptionalLong peak = cg.stats().memoryPeak();
        assertEquals(peakFile, peak.isPresent(), "memory peak reported where the kernel has it: " + memory);
        peak.ifPresent(n -> assertTrue(n > DataSize.ofMegabytes(16).bytes() && n <= DataSize.ofMegabytes(33).bytes(),
                "memory peak near the 32 MiB limit: " + n));
    }

    @Test
    void pidsMaxStopsAForkBomb() throws Exception {
        Cgroup cg = create("pids", Resources.builder().pidsMax(8).build());
        // bounded: 40 children at most, each sleeping; only 7 more than the shell fit
        fx.startIn(cg, "for i in $(seq 1 40); do sleep 30 & done; wait");
        await(() -> cg.pidsMaxEvents() > 0, Duration.ofSeconds(20), "pids.events reports max > 0");
        long current = cg.stats().pidsCurrent().orElseThrow();
        assertTrue(current <= 8, "pids.current " + current + " must not exceed pids.max 8");
        cg.killAll();
        assertEquals(java.util.List.of(), cg.pids());
    }

    @Test
    void cpuQuotaKeepsABusyLoopNearAFifthOfACore() throws Exception {
        Cgroup cg = create("cpu", Resources.builder().cpu(CpuLimit.cores(0.2)).build());
        fx.startIn(cg, "while :; do :; done");
        Thread.sleep(300); // let the loop start and the first periods pass
        long cpu0 = cg.stats().cpuUsageNanos().orElseThrow();
        long t0 = System.nanoTime();
        Thread.sleep(2_000);
        long cpu1 = cg.stats().cpuUsageNanos().orElseThrow();
        long t1 = System.nanoTime();
        double cores = (double) (cpu1 - cpu0) / (t1 - t0);
        assertTrue(cores > 0.08 && cores < 0.3, "a busy loop limited to 0.2 cores used " + cores + " cores");
    }

    @Test
    void statsArePlausible() throws Exception {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(layout.hierarchyOf(Controller.MEMORY).isPresent() && layout.hierarchyOf(Controller.PIDS).isPresent(),
                "the host mounts no memory or no pids controller: " + layout);
        Cgroup cg = create("stats", Resources.NONE);
        assertEquals(0, cg.stats().pidsCurrent().orElseThrow(), "no process yet");
        // a short burst of CPU, then a process that holds ~8 MiB of memory and stays
        fx.startIn(cg, "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; x=$(head -c 8000000 /dev/zero | tr '\\0' a); "
                + "echo ready; exec sleep 1000");
        await(() -> cg.stats().cpuUsageNanos().orElse(0) > 1_000_000, Duration.ofSeconds(20), "cpu usage above 1 ms");
        CgroupStats s = cg.stats();
        assertTrue(s.memoryCurrent().orElseThrow() > 0, "memory.current " + s);
        s.memoryPeak().ifPresent(peak -> assertTrue(peak >= s.memoryCurrent().getAsLong(), "peak >= current " + s));
        long pids = s.pidsCurrent().orElseThrow();
        assertTrue(pids >= 1 && pids <= 5, "pids.current " + pids);
        // I/O bytes are reported exactly where the kernel keeps them (v1 blkio throttle, v2 io.stat)
        Optional<Path> io = cg.path("io");
        boolean ioFile = io.isPresent() && (Files.exists(io.get().resolve("io.stat"))
                || Files.exists(io.get().resolve("blkio.throttle.io_service_bytes_recursive")));
        assertEquals(ioFile, s.ioReadBytes().isPresent(), "read bytes " + s);
        assertEquals(ioFile, s.ioWriteBytes().isPresent(), "write bytes " + s);
    }

    @Test
    void limitsReachTheKernelFiles() throws Exception {
        Resources r = Resources.builder().memoryMax(DataSize.ofMegabytes(64)).pidsMax(20).cpuWeight(200)
                .cpusetCpus("0").build();
        Cgroup cg = create("files", r);
        Path memory = cg.path("memory").orElseThrow();
        Path pids = cg.path("pids").orElseThrow();
        Path cpu = cg.path("cpu").orElseThrow();
        Path cpuset = cg.path("cpuset").orElseThrow();
        boolean v2 = Files.exists(memory.resolve("memory.max"));
        assertEquals("67108864", CgroupFixtures.read(memory.resolve(v2 ? "memory.max" : "memory.limit_in_bytes")));
        assertEquals("20", CgroupFixtures.read(pids.resolve("pids.max")));
        assertEquals(v2 ? "200" : String.valueOf(V1Driver.shares(200)),
                CgroupFixtures.read(cpu.resolve(v2 ? "cpu.weight" : "cpu.shares")));
        assertEquals("0", CgroupFixtures.read(cpuset.resolve("cpuset.cpus")));
        // a process can join (a v1 cpuset needs its mems copied from the parent)
        fx.startIn(cg, "exec sleep 1000");
        assertEquals(1, cg.pids().size());
    }

    @Test
    void hugetlbLimitWhereTheHostHasHugePages() throws Exception {
        assumeTrue(HostTopology.hugePageSizes().contains(2L << 20), "host has no 2 MiB huge pages");
        assumeTrue(CgroupLayout.detect().hierarchyOf(Controller.HUGETLB).isPresent(), "no hugetlb controller mounted");
        Cgroup cg = create("hugetlb", Resources.builder()
                .hugetlb(DataSize.ofMegabytes(2), DataSize.ofMegabytes(8)).build());
        Path dir = cg.path("hugetlb").orElseThrow();
        Path v2 = dir.resolve("hugetlb.2MB.max");
        assertEquals("8388608", CgroupFixtures.read(Files.exists(v2) ? v2 : dir.resolve("hugetlb.2MB.limit_in_bytes")));
    }
}
