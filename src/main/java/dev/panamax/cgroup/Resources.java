package dev.panamax.cgroup;

import dev.panamax.spec.InvalidSpecException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Resource limits for one cgroup, immutable and validated when built. Every limit is optional; an empty
 * {@code Resources} limits nothing but still gives statistics, freezing and kill-all.
 *
 * <pre>{@code
 * Resources r = Resources.builder()
 *     .memoryMax(DataSize.parse("256m"))
 *     .cpu(CpuLimit.cores(0.5))
 *     .pidsMax(64)
 *     .cpusetCpus("0")
 *     .build();
 * }</pre>
 *
 * <p>Each field below names the files it is written to.
 *
 * @param memoryMax   hard memory limit: v2 {@code memory.max}, v1 {@code memory.limit_in_bytes}
 * @param memoryHigh  throttling threshold: v2 {@code memory.high}, v1 {@code memory.soft_limit_in_bytes}
 * @param memoryLow   memory protection: v2 {@code memory.low} (v2 only: v1 has no memory protection)
 * @param swapMax     swap in addition to memory; v2 {@code memory.swap.max}, v1
 *                    {@code memory.memsw.limit_in_bytes} = memoryMax + swapMax (needs memoryMax on v1)
 * @param cpu         CPU bandwidth: v2 {@code cpu.max}, v1 {@code cpu.cfs_quota_us} and {@code cpu.cfs_period_us}
 * @param cpuWeight   1..10000: v2 {@code cpu.weight}, v1 {@code cpu.shares} (2..262144, scaled)
 * @param cpusetCpus  CPUs allowed, such as {@code "0-3,6"}: {@code cpuset.cpus}, checked against the host
 * @param cpusetMems  memory nodes allowed: {@code cpuset.mems}, checked against the host
 * @param pidsMax     the most tasks at once: {@code pids.max}
 * @param ioWeight    1..10000: v2 {@code io.weight}, v1 {@code blkio.weight} (10..1000, scaled)
 * @param ioThrottles per-device I/O limits: v2 {@code io.max}, v1 {@code blkio.throttle.*}
 * @param hugetlb     huge page size to limit; v2 {@code hugetlb.2MB.max}, v1 {@code hugetlb.2MB.limit_in_bytes}
 * @param netClassId  v1 only: {@code net_cls.classid}
 * @param netPrioMap  v1 only, interface to priority: {@code net_prio.ifpriomap}
 * @param devices     {@code devices.allow} / {@code devices.deny} in order on v1; a container's cgroup gets
 *                    {@link DeviceRule#DEFAULT_ALLOW_LIST} first, and on v2 the list becomes an eBPF device program
 */
public record Resources(
        Optional<DataSize> memoryMax,
        Optional<DataSize> memoryHigh,
        Optional<DataSize> memoryLow,
        Optional<DataSize> swapMax,
        Optional<CpuLimit> cpu,
        OptionalInt cpuWeight,
        Optional<String> cpusetCpus,
        Optional<String> cpusetMems,
        OptionalLong pidsMax,
        OptionalInt ioWeight,
        List<IoThrottle> ioThrottles,
        Map<DataSize, DataSize> hugetlb,
        OptionalLong netClassId,
        Map<String, Integer> netPrioMap,
        List<DeviceRule> devices) {

    /** No limits. */
    public static final Resources NONE = builder().build();

    /**
     * Validates every field and normalizes cpuset lists.
     *
     * @throws InvalidSpecException naming the field and the rule it breaks
     */
    public Resources {
        memoryMax = positive("memoryMax", memoryMax);
        memoryHigh = positive("memoryHigh", memoryHigh);
        memoryLow = positive("memoryLow", memoryLow);
        swapMax = orEmpty(swapMax);
        cpu = orEmpty(cpu);
        cpuWeight = cpuWeight == null ? OptionalInt.empty() : cpuWeight;
        range("cpuWeight", cpuWeight, 1, 10_000);
        cpusetCpus = orEmpty(cpusetCpus).map(
                cpus -> IdList.requireSubset("cpuset.cpus", "CPU", cpus, HostTopology.onlineCpus()));
        cpusetMems = orEmpty(cpusetMems).map(
                mems -> IdList.requireSubset("cpuset.mems", "memory node", mems, HostTopology.onlineMems()));
        pidsMax = pidsMax == null ? OptionalLong.empty() : pidsMax;
        if (pidsMax.isPresent() && pidsMax.getAsLong() <= 0) {
            throw new InvalidSpecException("pidsMax", "must be positive, got " + pidsMax.getAsLong());
        }
        ioWeight = ioWeight == null ? OptionalInt.empty() : ioWeight;
        range("ioWeight", ioWeight, 1, 10_000);
        ioThrottles = List.copyOf(ioThrottles == null ? List.of() : ioThrottles);
        hugetlb = Collections.unmodifiableMap(new TreeMap<>(hugetlb == null ? Map.of() : hugetlb));
        hugetlb.forEach(Resources::checkHugePage);
        netClassId = netClassId == null ? OptionalLong.empty() : netClassId;
        if (netClassId.isPresent() && (netClassId.getAsLong() <= 0 || netClassId.getAsLong() > 0xFFFF_FFFFL)) {
            throw new InvalidSpecException("netClassId", "must be 1..0xFFFFFFFF (major << 16 | minor), got "
                    + netClassId.getAsLong());
        }
        netPrioMap = Collections.unmodifiableMap(new LinkedHashMap<>(netPrioMap == null ? Map.of() : netPrioMap));
        netPrioMap.forEach(Resources::checkPriority);
        devices = List.copyOf(devices == null ? List.of() : devices);
    }

    /** {@return a builder with no limits} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding the same values, to derive a changed copy} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.memoryMax = memoryMax.orElse(null);
        b.memoryHigh = memoryHigh.orElse(null);
        b.memoryLow = memoryLow.orElse(null);
        b.swapMax = swapMax.orElse(null);
        b.cpu = cpu.orElse(null);
        b.cpuWeight = cpuWeight;
        b.cpusetCpus = cpusetCpus.orElse(null);
        b.cpusetMems = cpusetMems.orElse(null);
        b.pidsMax = pidsMax;
        b.ioWeight = ioWeight;
        b.ioThrottles.addAll(ioThrottles);
        b.hugetlb.putAll(hugetlb);
        b.netClassId = netClassId;
        b.netPrioMap.putAll(netPrioMap);
        b.devices.addAll(devices);
        return b;
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    private static Optional<DataSize> positive(String field, Optional<DataSize> size) {
        if (size != null && size.isPresent() && size.get().bytes() <= 0) {
            throw new InvalidSpecException(field, "must be positive, got " + size.get());
        }
        return orEmpty(size);
    }

    private static void range(String field, OptionalInt value, int min, int max) {
        if (value.isPresent() && (value.getAsInt() < min || value.getAsInt() > max)) {
            throw new InvalidSpecException(field, "must be " + min + ".." + max + ", got " + value.getAsInt());
        }
    }

    private static void checkHugePage(DataSize pageSize, DataSize limit) {
        if (!HostTopology.hugePageSizes().contains(pageSize.bytes())) {
            throw new InvalidSpecException("hugetlb", "page size " + pageSize
                    + " is not supported by this host (supported: "
                    + HostTopology.hugePageSizes().stream().map(s -> new DataSize(s).toString()).toList() + ")");
        }
        if (limit.bytes() <= 0 || limit.bytes() % pageSize.bytes() != 0) {
            throw new InvalidSpecException("hugetlb", "limit for " + pageSize
                    + " pages must be a positive multiple of the page size, got " + limit);
        }
    }

    private static void checkPriority(String iface, Integer priority) {
        if (iface == null || !iface.matches("[^\\s/:]{1,15}")) {
            throw new InvalidSpecException("netPrioMap", "\"" + iface + "\" is not an interface name");
        }
        if (priority == null || priority < 0) {
            throw new InvalidSpecException("netPrioMap", "priority of " + iface + " must not be negative, got "
                    + priority);
        }
    }

    /** Collects the limits; {@link #build()} validates them. */
    public static final class Builder {
        private DataSize memoryMax;
        private DataSize memoryHigh;
        private DataSize memoryLow;
        private DataSize swapMax;
        private CpuLimit cpu;
        private OptionalInt cpuWeight = OptionalInt.empty();
        private String cpusetCpus;
        private String cpusetMems;
        private OptionalLong pidsMax = OptionalLong.empty();
        private OptionalInt ioWeight = OptionalInt.empty();
        private final List<IoThrottle> ioThrottles = new ArrayList<>();
        private final Map<DataSize, DataSize> hugetlb = new TreeMap<>();
        private OptionalLong netClassId = OptionalLong.empty();
        private final Map<String, Integer> netPrioMap = new LinkedHashMap<>();
        private final List<DeviceRule> devices = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the hard memory limit; the OOM killer acts when reclaim cannot keep under it.
         *
         * @param max the limit
         * @return this builder
         */
        public Builder memoryMax(DataSize max) {
            memoryMax = max;
            return this;
        }

        /**
         * Sets the memory use above which the kernel throttles the cgroup and reclaims.
         *
         * @param high the threshold
         * @return this builder
         */
        public Builder memoryHigh(DataSize high) {
            memoryHigh = high;
            return this;
        }

        /**
         * Sets the memory protected from reclaim (cgroup v2 only).
         *
         * @param low the protected amount
         * @return this builder
         */
        public Builder memoryLow(DataSize low) {
            memoryLow = low;
            return this;
        }

        /**
         * Sets the swap allowed in addition to memory.
         *
         * @param max the swap limit
         * @return this builder
         */
        public Builder swapMax(DataSize max) {
            swapMax = max;
            return this;
        }

        /**
         * Sets the CPU bandwidth limit.
         *
         * @param limit the limit, for example {@code CpuLimit.cores(0.5)}
         * @return this builder
         */
        public Builder cpu(CpuLimit limit) {
            cpu = limit;
            return this;
        }

        /**
         * Sets the cgroup's CPU share relative to its siblings.
         *
         * @param weight 1..10000 (100 is the kernel's default)
         * @return this builder
         */
        public Builder cpuWeight(int weight) {
            cpuWeight = OptionalInt.of(weight);
            return this;
        }

        /**
         * Sets the CPUs the processes may run on.
         *
         * @param cpus a list such as {@code "0-3,6"}, of online CPUs
         * @return this builder
         */
        public Builder cpusetCpus(String cpus) {
            cpusetCpus = cpus;
            return this;
        }

        /**
         * Sets the NUMA memory nodes the processes may allocate on.
         *
         * @param mems a list such as {@code "0"}, of online nodes
         * @return this builder
         */
        public Builder cpusetMems(String mems) {
            cpusetMems = mems;
            return this;
        }

        /**
         * Sets the most tasks (processes and threads) the cgroup may hold at once.
         *
         * @param max a positive count
         * @return this builder
         */
        public Builder pidsMax(long max) {
            pidsMax = OptionalLong.of(max);
            return this;
        }

        /**
         * Sets the cgroup's block I/O share relative to its siblings.
         *
         * @param weight 1..10000 (100 is the kernel's default)
         * @return this builder
         */
        public Builder ioWeight(int weight) {
            ioWeight = OptionalInt.of(weight);
            return this;
        }

        /**
         * Adds a per-device I/O limit.
         *
         * @param throttle the limit
         * @return this builder
         */
        public Builder ioThrottle(IoThrottle throttle) {
            ioThrottles.add(throttle);
            return this;
        }

        /**
         * Adds a huge page limit, for example {@code hugetlb(DataSize.ofMegabytes(2), DataSize.ofMegabytes(64))}.
         *
         * @param pageSize a huge page size of this host
         * @param limit    the limit for pages of that size, a multiple of it
         * @return this builder
         */
        public Builder hugetlb(DataSize pageSize, DataSize limit) {
            hugetlb.put(pageSize, limit);
            return this;
        }

        /**
         * Sets the class id the cgroup's packets are tagged with (cgroup v1 only).
         *
         * @param classId {@code major << 16 | minor}, 1..0xFFFFFFFF
         * @return this builder
         */
        public Builder netClassId(long classId) {
            netClassId = OptionalLong.of(classId);
            return this;
        }

        /**
         * Sets the priority of the cgroup's traffic on one interface (cgroup v1 only).
         *
         * @param iface    a network interface name
         * @param priority the priority, not negative
         * @return this builder
         */
        public Builder netPriority(String iface, int priority) {
            netPrioMap.put(iface, priority);
            return this;
        }

        /**
         * Adds a device rule after those already given (the last match decides).
         *
         * @param rule the rule to add
         * @return this builder
         */
        public Builder device(DeviceRule rule) {
            devices.add(rule);
            return this;
        }

        /**
         * Replaces the device rules.
         *
         * @param rules the rules, in order
         * @return this builder
         */
        public Builder devices(java.util.List<DeviceRule> rules) {
            devices.clear();
            devices.addAll(rules);
            return this;
        }

        /**
         * {@return the limits, validated}
         *
         * @throws InvalidSpecException naming the first field that is wrong
         */
        public Resources build() {
            return new Resources(Optional.ofNullable(memoryMax), Optional.ofNullable(memoryHigh),
                    Optional.ofNullable(memoryLow), Optional.ofNullable(swapMax), Optional.ofNullable(cpu), cpuWeight,
                    Optional.ofNullable(cpusetCpus), Optional.ofNullable(cpusetMems), pidsMax, ioWeight, ioThrottles,
                    hugetlb, netClassId, netPrioMap, devices);
        }
    }
}
