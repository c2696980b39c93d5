package dev.panamax.cgroup;

import java.util.OptionalLong;

/**
 * A snapshot of a cgroup's accounting. A value is empty when no hierarchy of this host accounts for it
 * (for example memory on a v2 hierarchy without the memory controller).
 *
 * <pre>{@code
 * CgroupStats s = cgroup.stats();
 * s.memoryCurrent().ifPresent(bytes -> System.out.println("memory: " + DataSize.ofBytes(bytes)));
 * long cpuNanos = s.cpuUsageNanos().orElse(0);
 * }</pre>
 *
 * @param memoryCurrent bytes in use now (v2 memory.current, v1 memory.usage_in_bytes)
 * @param memoryPeak the most bytes ever in use (v2 memory.peak, v1 memory.max_usage_in_bytes)
 * @param cpuUsageNanos CPU time used by all processes, user plus system (v2 cpu.stat usage_usec, v1 cpuacct.usage)
 * @param pidsCurrent tasks now in the cgroup (pids.current)
 * @param ioReadBytes bytes read from block devices (v2 io.stat rbytes, v1 blkio io_service_bytes Read)
 * @param ioWriteBytes bytes written to block devices (v2 io.stat wbytes, v1 blkio io_service_bytes Write)
 */
public record CgroupStats(
        OptionalLong memoryCurrent,
        OptionalLong memoryPeak,
        OptionalLong cpuUsageNanos,
        OptionalLong pidsCurrent,
        OptionalLong ioReadBytes,
        OptionalLong ioWriteBytes) {

    /** Collects values from several hierarchies; the first hierarchy that has a value wins. */
    static final class Collector {
        OptionalLong memoryCurrent = OptionalLong.empty();
        OptionalLong memoryPeak = OptionalLong.empty();
        OptionalLong cpuUsageNanos = OptionalLong.empty();
        OptionalLong pidsCurrent = OptionalLong.empty();
        OptionalLong ioReadBytes = OptionalLong.empty();
        OptionalLong ioWriteBytes = OptionalLong.empty();

        static OptionalLong or(OptionalLong have, OptionalLong candidate) {
            return have.isPresent() ? have : candidate;
        }

        CgroupStats build() {
            return new CgroupStats(memoryCurrent, memoryPeak, cpuUsageNanos, pidsCurrent, ioReadBytes, ioWriteBytes);
        }
    }
}
