package dev.panamax.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** The unified hierarchy (cgroup v2): one directory for all controllers, controllers enabled by the parent. */
final class V2Driver implements CgroupDriver {

    static final V2Driver INSTANCE = new V2Driver();

    private V2Driver() {
    }

    @Override
    public List<Write> writes(Controller controller, Resources r) {
        List<Write> writes = new ArrayList<>();
        switch (controller) {
            case MEMORY -> {
                r.memoryMax().ifPresent(v -> writes.add(Write.of("memory.max", v.bytes())));
                r.memoryHigh().ifPresent(v -> writes.add(Write.of("memory.high", v.bytes())));
                r.memoryLow().ifPresent(v -> writes.add(Write.of("memory.low", v.bytes())));
                r.swapMax().ifPresent(v -> writes.add(Write.of("memory.swap.max", v.bytes())));
            }
            case CPU -> {
                r.cpu().ifPresent(c -> writes.add(Write.of("cpu.max", c.quotaMicros() + " " + c.periodMicros())));
                r.cpuWeight().ifPresent(w -> writes.add(Write.of("cpu.weight", w)));
            }
            case CPUSET -> {
                r.cpusetCpus().ifPresent(v -> writes.add(Write.of("cpuset.cpus", v)));
                r.cpusetMems().ifPresent(v -> writes.add(Write.of("cpuset.mems", v)));
            }
            case PIDS -> r.pidsMax().ifPresent(v -> writes.add(Write.of("pids.max", v)));
            case IO -> {
                r.ioWeight().ifPresent(w -> writes.add(Write.of("io.weight", "default " + w)));
                Map<String, StringBuilder> perDevice = new LinkedHashMap<>();
                for (IoThrottle t : r.ioThrottles()) {
                    perDevice.computeIfAbsent(t.device(), d -> new StringBuilder(d))
                            .append(' ').append(t.kind().v2Key).append('=').append(t.limit());
                }
                perDevice.values().forEach(line -> writes.add(Write.of("io.max", line)));
            }
            case HUGETLB -> r.hugetlb().forEach((page, limit) -> writes.add(
                    Write.of("hugetlb." + HostTopology.hugePageName(page.bytes()) + ".max", limit.bytes())));
            case NET_CLS -> {
                if (r.netClassId().isPresent()) {
                    throw new CgroupException("netClassId needs cgroup v1 (net_cls); on cgroup v2 match the cgroup "
                            + "path instead (nftables \"socket cgroupv2\" or an eBPF program)");
                }
            }
            case NET_PRIO -> {
                if (!r.netPrioMap().isEmpty()) {
                    throw new CgroupException("netPrioMap needs cgroup v1 (net_prio); cgroup v2 has no net_prio");
                }
            }
            case DEVICES -> {
                if (!r.devices().isEmpty()) {
                    throw new CgroupException("device rules on cgroup v2 become an eBPF device program, which"
                            + " CgroupManager.createContainer attaches as root; a cgroup made with create() cannot take"
                            + " them");
                }
            }
            case CPUACCT, FREEZER -> {
                // v2 accounts CPU and freezes in core files, nothing to write
            }
        }
        return writes;
    }

    @Override
    public void prepare(Path parent, Path dir, Set<Controller> controllers) {
        // v2 children inherit everything they need; controllers were enabled in the parent's subtree_control
    }

    @Override
    public void collectStats(Path dir, Set<Controller> controllers, CgroupStats.Collector s) {
        if (controllers.contains(Controller.MEMORY)) {
            s.memoryCurrent = CgroupStats.Collector.or(s.memoryCurrent, CgroupFs.readLong(dir.resolve("memory.current")));
            s.memoryPeak = CgroupStats.Collector.or(s.memoryPeak, CgroupFs.readLong(dir.resolve("memory.peak")));
        }
        if (controllers.contains(Controller.PIDS)) {
            s.pidsCurrent = CgroupStats.Collector.or(s.pidsCurrent, CgroupFs.readLong(dir.resolve("pids.current")));
        }
        if (controllers.contains(Controller.IO)) {
            s.ioReadBytes = CgroupStats.Collector.or(s.ioReadBytes, sumIoStat(dir, "rbytes"));
            s.ioWriteBytes = CgroupStats.Collector.or(s.ioWriteBytes, sumIoStat(dir, "wbytes"));
        }
        // cpu.stat is a core file: usage is there with or without the cpu controller
        OptionalLong usec = CgroupFs.readKey(dir.resolve("cpu.stat"), "usage_usec");
        if (usec.isPresent()) {
            s.cpuUsageNanos = CgroupStats.Collector.or(s.cpuUsageNanos, OptionalLong.of(usec.getAsLong() * 1_000));
        }
    }

    /** io.stat: one line per device, "8:0 rbytes=1 wbytes=2 rios=3 ...". */
    private static OptionalLong sumIoStat(Path dir, String key) {
        return CgroupFs.readIfExists(dir.resolve("io.stat")).map(text -> OptionalLong.of(text.lines()
                .flatMap(line -> java.util.Arrays.stream(line.split("\\s+")))
                .filter(field -> field.startsWith(key + "="))
                .mapToLong(field -> Long.parseLong(field.substring(key.length() + 1))).sum()))
                .orElse(OptionalLong.empty());
    }

    @Override
    public OptionalLong oomKills(Path dir) {
        return CgroupFs.readKey(dir.resolve("memory.events"), "oom_kill");
    }

    @Override
    public Freezer freezer(Path dir, Set<Controller> controllers) {
        return new Freezer.V2(dir);
    }
}
