package dev.panamax.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.spec.InvalidSpecException;

import java.util.BitSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Validation of resource values: every bad value is refused at build() with a message naming the field. */
class ResourcesTest {

    /** {@code build} fails with an InvalidSpecException whose message is {@code message}, the field its start. */
    private static void refused(String message, Executable build) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, build);
        assertEquals(message, e.getMessage());
        assertTrue(message.startsWith(e.field() + ": "), e.field());
    }

    @Test
    void resourcesWithNegativeMemoryFailWithInvalidSpecExceptionNamingTheField() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> Resources.builder().memoryMax(DataSize.ofBytes(0)).build());
        assertEquals("memoryMax", e.field());
        e = assertThrows(InvalidSpecException.class, () -> DataSize.ofMegabytes(-64)); // when the size is made
        assertEquals("size", e.field());
        e = assertThrows(InvalidSpecException.class, () -> Resources.builder().pidsMax(-1).build());
        assertEquals("pidsMax", e.field());
    }

    @Test
    void dataSizes() {
        assertEquals(64L << 20, DataSize.parse("64m").bytes());
        assertEquals(64L << 20, DataSize.parse("64MiB").bytes());
        assertEquals(3L << 30, DataSize.parse("3G").bytes());
        assertEquals(512, DataSize.parse("512").bytes());
        assertEquals(DataSize.ofKilobytes(1536), DataSize.parse("1536kb"));
        assertEquals("64 MiB", DataSize.ofMegabytes(64).toString());
        refused("size: \"64q\" is not a size like 512k, 64m, 2g or 4096", () -> DataSize.parse("64q"));
        refused("size: must not be negative, got -1 bytes", () -> DataSize.ofBytes(-1));
        refused("size: must not be negative, got -2 MiB", () -> DataSize.ofMegabytes(-2));
    }

    @Property
    void dataSizeTextRoundTrips(@ForAll @LongRange(min = 1, max = 1L << 40) long bytes) {
        DataSize size = DataSize.ofBytes(bytes);
        String text = size.toString().replace(" bytes", "").replace(" ", "").replace("TiB", "t").replace("GiB", "g")
                .replace("MiB", "m").replace("KiB", "k");
        assertEquals(size, DataSize.parse(text));
    }

    @Test
    void zeroOrNegativeLimits() {
        refused("memoryMax: must be positive, got 0 bytes",
                () -> Resources.builder().memoryMax(DataSize.ofBytes(0)).build());
        refused("memoryHigh: must be positive, got 0 bytes",
                () -> Resources.builder().memoryHigh(DataSize.ofBytes(0)).build());
        refused("pidsMax: must be positive, got 0", () -> Resources.builder().pidsMax(0).build());
        refused("pidsMax: must be positive, got -5", () -> Resources.builder().pidsMax(-5).build());
        refused("cpu: cores must be positive, got 0.0", () -> CpuLimit.cores(0));
        refused("cpu: cores must be positive, got -1.0", () -> CpuLimit.cores(-1));
        refused("cpu.quota: must be at least 1000 µs, got 10", () -> new CpuLimit(10, 100_000));
        refused("cpu.period: must be 1000..1000000 µs, got 5000000", () -> new CpuLimit(10_000, 5_000_000));
        refused("io.rbps: limit for 8:0 must be positive, got 0",
                () -> IoThrottle.parse("8:0", IoThrottle.Kind.READ_BPS, 0));
        refused("io.wbps: device \"sda\" is not MAJOR:MINOR like 8:0",
                () -> IoThrottle.parse("sda", IoThrottle.Kind.WRITE_BPS, 1));
    }

    @Test
    void weightsOutOfRange() {
        refused("cpuWeight: must be 1..10000, got 0", () -> Resources.builder().cpuWeight(0).build());
        refused("cpuWeight: must be 1..10000, got 10001", () -> Resources.builder().cpuWeight(10_001).build());
        refused("ioWeight: must be 1..10000, got 0", () -> Resources.builder().ioWeight(0).build());
        assertEquals(2, V1Driver.shares(1));
        assertEquals(262_144, V1Driver.shares(10_000));
    }

    @Test
    void cpusetMustExistOnThisHost() {
        BitSet online = HostTopology.onlineCpus();
        int missing = online.length() + 5;
        refused("cpuset.cpus: CPU " + missing + " does not exist (online: " + IdList.format(online) + ")",
                () -> Resources.builder().cpusetCpus(String.valueOf(missing)).build());
        refused("cpuset.cpus: \"0-\" is not a list like 0-3,8 (bad part \"0-\")",
                () -> Resources.builder().cpusetCpus("0-").build());
        refused("cpuset.mems: memory node 63 does not exist (online: " + IdList.format(HostTopology.onlineMems()) + ")",
                () -> Resources.builder().cpusetMems("63").build());
        assertEquals("0", Resources.builder().cpusetCpus(" 0 ").build().cpusetCpus().orElseThrow());
    }

    @Test
    void idLists() {
        assertEquals("0-3,8,10-11", IdList.format(IdList.parse("x", "0,1,2-3,8,10-11")));
        refused("x: \"3-1\" is not a list like 0-3,8 (bad part \"3-1\")", () -> IdList.parse("x", "3-1"));
    }

    @Test
    void deviceRules() {
        assertEquals("c 1:3 rwm", DeviceRule.allow("c 1:3 rwm").line());
        assertEquals("a *:* rwm", DeviceRule.deny("a").line());
        assertEquals("b 8:* rw", DeviceRule.allow("b 8:* wr").line());
        refused("devices: \"x 1:3 rwm\" is not a device rule like \"c 1:3 rwm\", \"b 8:* r\" or \"a\"",
                () -> DeviceRule.allow("x 1:3 rwm"));
        refused("devices: \"c 1:3\" is not a device rule like \"c 1:3 rwm\", \"b 8:* r\" or \"a\"",
                () -> DeviceRule.allow("c 1:3"));
        refused("devices: \"c 1-3 r\" is not a device rule like \"c 1:3 rwm\", \"b 8:* r\" or \"a\"",
                () -> DeviceRule.deny("c 1-3 r"));
        refused("devices: \"c 1:3 rr\" repeats a letter in its access \"rr\"", () -> DeviceRule.allow("c 1:3 rr"));
    }

    @Test
    void v1OnlyValues() {
        refused("netClassId: must be 1..0xFFFFFFFF (major << 16 | minor), got 0",
                () -> Resources.builder().netClassId(0).build());
        refused("netPrioMap: \"eth/0\" is not an interface name", () -> Resources.builder().netPriority("eth/0", 1).build());
        refused("netPrioMap: priority of eth0 must not be negative, got -1",
                () -> Resources.builder().netPriority("eth0", -1).build());
    }

    @Test
    void hugePageSizeMustExist() {
        refused("hugetlb: page size 3 MiB is not supported by this host (supported: "
                        + HostTopology.hugePageSizes().stream().map(s -> new DataSize(s).toString()).toList() + ")",
                () -> Resources.builder().hugetlb(DataSize.ofMegabytes(3), DataSize.ofMegabytes(6)).build());
    }

    @Test
    void driverSpecificRefusals() {
        Resources low = Resources.builder().memoryLow(DataSize.ofMegabytes(1)).build();
        assertEquals("memoryLow needs cgroup v2 (memory.low): "
                        + "cgroup v1 has no memory protection; use memoryHigh (v1 memory.soft_limit_in_bytes)",
                assertThrows(CgroupException.class, () -> V1Driver.INSTANCE.writes(Controller.MEMORY, low)).getMessage());
        Resources swap = Resources.builder().swapMax(DataSize.ofMegabytes(1)).build();
        assertThrows(CgroupException.class, () -> V1Driver.INSTANCE.writes(Controller.MEMORY, swap));
        Resources cpu = Resources.builder().cpu(CpuLimit.cores(0.2)).build();
        assertEquals("[cpu.max = 20000 100000]", V2Driver.INSTANCE.writes(Controller.CPU, cpu).toString());
        assertEquals("[cpu.cfs_period_us = 100000, cpu.cfs_quota_us = 20000]",
                V1Driver.INSTANCE.writes(Controller.CPU, cpu).toString());
        Resources io = Resources.builder().ioThrottle(IoThrottle.parse("8:0", IoThrottle.Kind.READ_BPS, 100))
                .ioThrottle(IoThrottle.parse("8:0", IoThrottle.Kind.WRITE_IOPS, 7)).build();
        assertEquals("[io.max = 8:0 rbps=100 wiops=7]", V2Driver.INSTANCE.writes(Controller.IO, io).toString());
    }
}
