package dev.panamax.oci;

import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.DeviceRule;
import dev.panamax.cgroup.IoThrottle;
import dev.panamax.cgroup.Resources;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code linux.resources} onto {@link Resources}: memory, cpu, pids, blockIO, hugepage limits, network
 * classes and priorities, device rules, and the {@code unified} keys Panamax has a field for. Conversions are
 * runc's (cpu shares to weight, blkio weight to io weight); see {@link OciConfig} for what is not supported.
 */
final class ResourcesMapping {
    private static final Set<String> FIELDS = Set.of("devices", "memory", "cpu", "blockIO", "hugepageLimits",
            "network", "pids", "rdma", "unified");

    private ResourcesMapping() {
    }

    static Resources map(OciNode r) {
        r.known(FIELDS);
        if (r.has("rdma")) {
            throw new OciConfigException(r.at("rdma"), "not supported");
        }
        Resources.Builder b = Resources.builder();
        devices(r, b);
        OciNode memory = r.object("memory");
        if (memory != null) {
            memory(memory, b);
        }
        OciNode cpu = r.object("cpu");
        if (cpu != null) {
            cpu(cpu, b);
        }
        OciNode pids = r.object("pids");
        if (pids != null) {
            pids.known(Set.of("limit"));
            Long limit = pids.integer("limit", Long.MIN_VALUE, Long.MAX_VALUE);
            if (limit != null && limit > 0) {
                b.pidsMax(limit);
            }
        }
        OciNode io = r.object("blockIO");
        if (io != null) {
            blockIo(io, b);
        }
        for (OciNode h : r.objects("hugepageLimits")) {
            h.known(Set.of("pageSize", "limit"));
            String page = h.requiredString("pageSize");
            long limit = h.requiredInteger("limit", 0, Long.MAX_VALUE);
            guard(h.path(), () -> b.hugetlb(DataSize.parse(page.replaceAll("B$", "")), DataSize.ofBytes(limit)));
        }
        OciNode net = r.object("network");
        if (net != null) {
            net.known(Set.of("classID", "priorities"));
            Long id = net.integer("classID", 0, 0xFFFF_FFFFL);
            if (id != null && id != 0) {
                b.netClassId(id);
            }
            for (OciNode p : net.objects("priorities")) {
                p.known(Set.of("name", "priority"));
                b.netPriority(p.requiredString("name"), (int) p.requiredInteger("priority", 0, Integer.MAX_VALUE));
            }
        }
        unified(r, b);
        Resources[] built = new Resources[1];
        guard(r.path(), () -> built[0] = b.build());
        return built[0];
    }

    /**
     * The config's rules after Panamax's default allow-list, then the defaults' allow rules again: as runc, the
     * runtime-spec's default devices stay usable whatever the rules deny.
     */
    private static void devices(OciNode r, Resources.Builder b) {
        for (OciNode d : r.objects("devices")) {
            d.known(Set.of("allow", "type", "major", "minor", "access"));
            if (!d.has("allow")) {
                throw new OciConfigException(d.at("allow"), "missing");
            }
            String type = d.has("type") ? d.requiredString("type") : "a";
            Long major = d.integer("major", -1, 0xFFFF_FFFFL);
            Long minor = d.integer("minor", -1, 0xFFFF_FFFFL);
            String access = d.has("access") ? d.requiredString("access") : "rwm";
            guard(d.path(), () -> b.device(new DeviceRule(d.bool("allow", false), type.length() == 1 ? type.charAt(0)
                    : '?', major == null ? -1 : major, minor == null ? -1 : minor, normalizeAccess(access))));
        }
        if (!r.objects("devices").isEmpty()) {
            DeviceRule.DEFAULT_ALLOW_LIST.stream().filter(DeviceRule::allow).forEach(b::device);
        }
    }

    /** rwm in that order, as Panamax's rules spell it (a repeated or unknown letter is left for the rule to refuse). */
    private static String normalizeAccess(String access) {
        String ordered = (access.contains("r") ? "r" : "") + (access.contains("w") ? "w" : "")
                + (access.contains("m") ? "m" : "");
        return ordered.length() == access.length() ? ordered : access;
    }

    private static void memory(OciNode m, Resources.Builder b) {
        m.known(Set.of("limit", "reservation", "swap", "kernel", "kernelTCP", "swappiness", "disableOOMKiller",
                "useHierarchy", "checkBeforeUpdate"));
        for (String field : List.of("kernel", "kernelTCP", "swappiness")) {
            if (m.has(field)) {
                throw new OciConfigException(m.at(field), "not supported");
            }
        }
        if (m.bool("disableOOMKiller", false)) {
            throw new OciConfigException(m.at("disableOOMKiller"), "not supported");
        }
        Long limit = positive(m, "limit");
        Long reservation = positive(m, "reservation");
        Long swap = positive(m, "swap");
        if (limit != null) {
            guard(m.at("limit"), () -> b.memoryMax(DataSize.ofBytes(limit)));
        }
        if (reservation != null) {
            guard(m.at("reservation"), () -> b.memoryLow(DataSize.ofBytes(reservation)));
        }
        if (swap != null) {
            if (limit == null || swap < limit) {
                throw new OciConfigException(m.at("swap"), "memory plus swap needs a memory limit at most it"
                        + (limit == null ? ", and there is none" : ", got limit " + limit));
            }
            b.swapMax(DataSize.ofBytes(swap - limit));
        }
    }

    /** An optional limit; -1 (and 0 for the kernel's "max") mean no limit: null. */
    private static Long positive(OciNode node, String field) {
        Long v = node.integer(field, -1, Long.MAX_VALUE);
        return v == null || v <= 0 ? null : v;
    }

    private static void cpu(OciNode c, Resources.Builder b) {
        c.known(Set.of("shares", "quota", "burst", "period", "realtimeRuntime", "realtimePeriod", "cpus", "mems",
                "idle"));
        for (String field : List.of("burst", "realtimeRuntime", "realtimePeriod")) {
            if (c.has(field)) {
                throw new OciConfigException(c.at(field), "not supported");
            }
        }
        Long idle = c.integer("idle", Long.MIN_VALUE, Long.MAX_VALUE);
        if (idle != null && idle != 0) {
            throw new OciConfigException(c.at("idle"), "not supported");
        }
        Long shares = c.integer("shares", 0, 262_144);
        if (shares != null && shares != 0) {
            long s = Math.max(2, shares);
            b.cpuWeight((int) (1 + ((s - 2) * 9999) / 262_142)); // runc's ConvertCPUSharesToCgroupV2Value
        }
        Long quota = c.integer("quota", -1, Long.MAX_VALUE);
        Long period = c.integer("period", 0, Long.MAX_VALUE);
        if (quota != null && quota > 0) {
            long p = period == null || period == 0 ? CpuLimit.DEFAULT_PERIOD_MICROS : period;
            guard(c.at("quota"), () -> b.cpu(new CpuLimit(quota, p)));
        }
        String cpus = c.string("cpus");
        if (cpus != null && !cpus.isEmpty()) {
            guard(c.at("cpus"), () -> b.cpusetCpus(cpus).build());
        }
        String mems = c.string("mems");
        if (mems != null && !mems.isEmpty()) {
            guard(c.at("mems"), () -> b.cpusetMems(mems).build());
        }
    }

    private static void blockIo(OciNode io, Resources.Builder b) {
        io.known(Set.of("weight", "leafWeight", "weightDevice", "throttleReadBpsDevice", "throttleWriteBpsDevice",
                "throttleReadIOPSDevice", "throttleWriteIOPSDevice"));
        for (String field : List.of("leafWeight", "weightDevice")) {
            if (io.has(field)) {
                throw new OciConfigException(io.at(field), "not supported");
            }
        }
        Long weight = io.integer("weight", 0, 1000);
        if (weight != null && weight != 0) {
            if (weight < 10) {
                throw new OciConfigException(io.at("weight"), "must be 10..1000, got " + weight);
            }
            b.ioWeight((int) (1 + (weight - 10) * 9999 / 990)); // runc's ConvertBlkIOToIOWeightValue
        }
        Map<String, IoThrottle.Kind> kinds = Map.of("throttleReadBpsDevice", IoThrottle.Kind.READ_BPS,
                "throttleWriteBpsDevice", IoThrottle.Kind.WRITE_BPS, "throttleReadIOPSDevice", IoThrottle.Kind.READ_IOPS,
                "throttleWriteIOPSDevice", IoThrottle.Kind.WRITE_IOPS);
        for (String field : List.of("throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
                "throttleWriteIOPSDevice")) {
            for (OciNode t : io.objects(field)) {
                t.known(Set.of("major", "minor", "rate"));
                int major = (int) t.requiredInteger("major", 0, Integer.MAX_VALUE);
                int minor = (int) t.requiredInteger("minor", 0, Integer.MAX_VALUE);
                long rate = t.requiredInteger("rate", 0, Long.MAX_VALUE);
                guard(t.path(), () -> b.ioThrottle(new IoThrottle(major, minor, kinds.get(field), rate)));
            }
        }
    }

    /** The cgroup v2 files Panamax writes itself; any other key is refused. */
    private static void unified(OciNode r, Resources.Builder b) {
        OciNode u = r.object("unified");
        for (Map.Entry<String, String> e : r.stringMap("unified").entrySet()) {
            String path = u.at(e.getKey());
            String v = e.getValue().strip();
            guard(path, () -> {
                switch (e.getKey()) {
                    case "memory.max" -> b.memoryMax(sizeOrMax(v));
                    case "memory.high" -> b.memoryHigh(sizeOrMax(v));
                    case "memory.low" -> b.memoryLow(sizeOrMax(v));
                    case "memory.swap.max" -> b.swapMax(sizeOrMax(v));
                    case "pids.max" -> b.pidsMax(v.equals("max") ? Long.MAX_VALUE : Long.parseLong(v));
                    case "cpu.weight" -> b.cpuWeight(Integer.parseInt(v));
                    case "io.weight" -> b.ioWeight(Integer.parseInt(v.replaceFirst("^default ", "")));
                    case "cpuset.cpus" -> b.cpusetCpus(v);
                    case "cpuset.mems" -> b.cpusetMems(v);
                    case "cpu.max" -> {
                        String[] parts = v.split(" ");
                        if (!parts[0].equals("max")) {
                            b.cpu(new CpuLimit(Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1])
                                    : CpuLimit.DEFAULT_PERIOD_MICROS));
                        }
                    }
                    default -> throw new OciConfigException(path, "not supported (Panamax writes memory.max,"
                            + " memory.high, memory.low, memory.swap.max, pids.max, cpu.max, cpu.weight, io.weight,"
                            + " cpuset.cpus, cpuset.mems)");
                }
            });
        }
    }

    private static DataSize sizeOrMax(String v) {
        if (v.equals("max")) {
            throw new IllegalArgumentException("\"max\" is the default: leave the key out");
        }
        return DataSize.ofBytes(Long.parseLong(v));
    }

    /** Runs one conversion; a value the core refuses becomes an error naming {@code path}. */
    private static void guard(String path, Runnable step) {
        try {
            step.run();
        } catch (OciConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new OciConfigException(path, e.getMessage(), e);
        }
    }
}
