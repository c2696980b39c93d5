package dev.panamax.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** A cgroup v1 hierarchy: one directory per hierarchy, each with its own controllers' files. */
final class V1Driver implements CgroupDriver {

    static final V1Driver INSTANCE = new V1Driver();

    private V1Driver() {
    }

    @Override
    public List<Write> writes(Controller controller, Resources r) {
        List<Write> writes = new ArrayList<>();
        switch (controller) {
            case MEMORY -> memory(r, writes);
            case CPU -> {
                // period first: the kernel checks the quota against the current period
                r.cpu().ifPresent(c -> {
                    writes.add(Write.of("cpu.cfs_period_us", c.periodMicros()));
                    writes.add(Write.of("cpu.cfs_quota_us", c.quotaMicros()));
                });
                r.cpuWeight().ifPresent(w -> writes.add(Write.of("cpu.shares", shares(w))));
            }
            case CPUSET -> {
                r.cpusetCpus().ifPresent(v -> writes.add(Write.of("cpuset.cpus", v)));
                r.cpusetMems().ifPresent(v -> writes.add(Write.of("cpuset.mems", v)));
            }
            case PIDS -> r.pidsMax().ifPresent(v -> writes.add(Write.of("pids.max", v)));
            case IO -> {
                // blkio.weight exists with CFQ, blkio.bfq.weight with BFQ
                r.ioWeight().ifPresent(w -> writes.add(new Write(List.of("blkio.weight", "blkio.bfq.weight"),
                        String.valueOf(10 + (w - 1) * 990L / 9999))));
                for (IoThrottle t : r.ioThrottles()) {
                    writes.add(Write.of(t.kind().v1File, t.device() + " " + t.limit()));
                }
            }
            case HUGETLB -> r.hugetlb().forEach((page, limit) -> writes.add(Write.of(
                    "hugetlb." + HostTopology.hugePageName(page.bytes()) + ".limit_in_bytes", limit.bytes())));
            case NET_CLS -> r.netClassId().ifPresent(id -> writes.add(Write.of("net_cls.classid", id)));
            case NET_PRIO -> r.netPrioMap().forEach((iface, prio) ->
                    writes.add(Write.of("net_prio.ifpriomap", iface + " " + prio)));
            case DEVICES -> r.devices().forEach(rule ->
                    writes.add(Write.of(rule.allow() ? "devices.allow" : "devices.deny", rule.line())));
            case CPUACCT, FREEZER -> {
                // accounting and freezing only
            }
        }
        return writes;
    }

    private static void memory(Resources r, List<Write> writes) {
        if (r.memoryLow().isPresent()) {
            throw new CgroupException("memoryLow needs cgroup v2 (memory.low): cgroup v1 has no memory protection; "
                    + "use memoryHigh (v1 memory.soft_limit_in_bytes)");
        }
        r.memoryMax().ifPresent(v -> writes.add(Write.of("memory.limit_in_bytes", v.bytes())));
        r.memoryHigh().ifPresent(v -> writes.add(Write.of("memory.soft_limit_in_bytes", v.bytes())));
        if (r.swapMax().isPresent()) {
            if (r.memoryMax().isEmpty()) {
                throw new CgroupException("swapMax needs memoryMax on cgroup v1: memory.memsw.limit_in_bytes "
                        + "limits memory plus swap");
            }
            writes.add(Write.of("memory.memsw.limit_in_bytes",
                    Math.addExact(r.memoryMax().get().bytes(), r.swapMax().get().bytes())));
        }
    }

    /** cpu.weight 1..10000 to cpu.shares 2..262144, the conversion runc and crun use. */
    static long shares(int weight) {
        return 2 + (weight - 1) * 262_142L / 9_999;
    }

    @Override
    public void prepare(Path parent, Path dir, Set<Controller> controllers) {
        if (controllers.contains(Controller.CPUSET)) {
            // a new v1 cpuset is empty, and a task cannot join an empty cpuset (ENOSPC)
            for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                copyCpuset(parent, dir, file);
            }
        }
    }

    /**
     * Fills an empty {@code dir/file} from {@code parent}. A parent still empty was just made by another JVM
     * that has not filled it yet: it is filled here first, from its own parent (the same values; idempotent).
     */
    private static void copyCpuset(Path parent, Path dir, String file) {
        if (!CgroupFs.read(dir.resolve(file)).isBlank()) {
            return;
        }
        String value = CgroupFs.read(parent.resolve(file)).strip();
        if (value.isEmpty() && parent.getParent() != null && Files.exists(parent.getParent().resolve(file))) {
            copyCpuset(parent.getParent(), parent, file);
            value = CgroupFs.read(parent.resolve(file)).strip();
        }
        CgroupFs.write(dir.resolve(file), value);
    }

    @Override
    public void collectStats(Path dir, Set<Controller> controllers, CgroupStats.Collector s) {
        if (controllers.contains(Controller.MEMORY)) {
            s.memoryCurrent = CgroupStats.Collector.or(s.memoryCurrent,
                    CgroupFs.readLong(dir.resolve("memory.usage_in_bytes")));
            s.memoryPeak = CgroupStats.Collector.or(s.memoryPeak,
                    CgroupFs.readLong(dir.resolve("memory.max_usage_in_bytes")));
        }
        if (controllers.contains(Controller.CPUACCT)) {
            s.cpuUsageNanos = CgroupStats.Collector.or(s.cpuUsageNanos, CgroupFs.readLong(dir.resolve("cpuacct.usage")));
        }
        if (controllers.contains(Controller.PIDS)) {
            s.pidsCurrent = CgroupStats.Collector.or(s.pidsCurrent, CgroupFs.readLong(dir.resolve("pids.current")));
        }
        if (controllers.contains(Controller.IO)) {
            s.ioReadBytes = CgroupStats.Collector.or(s.ioReadBytes, serviceBytes(dir, "Read"));
            s.ioWriteBytes = CgroupStats.Collector.or(s.ioWriteBytes, serviceBytes(dir, "Write"));
        }
    }

    /** blkio.throttle.io_service_bytes_recursive: "8:0 Read 4096" per device and operation. */
    private static OptionalLong serviceBytes(Path dir, String operation) {
        return CgroupFs.readIfExists(dir.resolve("blkio.throttle.io_service_bytes_recursive"))
                .map(text -> OptionalLong.of(text.lines()
                        .map(line -> line.split("\\s+"))
                        .filter(f -> f.length == 3 && f[1].equals(operation))
                        .mapToLong(f -> Long.parseLong(f[2])).sum()))
                .orElse(OptionalLong.empty());
    }

    @Override
    public OptionalLong oomKills(Path dir) {
        return CgroupFs.readKey(dir.resolve("memory.oom_control"), "oom_kill");
    }

    @Override
    public Freezer freezer(Path dir, Set<Controller> controllers) {
        return controllers.contains(Controller.FREEZER) ? new Freezer.V1(dir) : null;
    }
}
