package dev.panamax.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static dev.panamax.net.IpPrefixTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address leases in a directory of the test's own: distinct addresses, release, hand-over, reclaim. */
class LeasesTest {
    static final BridgeNetwork NET = new BridgeNetwork("pmxtest", IpPrefix.parse("10.90.0.0/24"),
            Optional.of(IpPrefix.parse("fd89:90::/64")), 1500);
    static final long SELF = ProcessHandle.current().pid();

    /** The names in the lease directory but the reclaim lock. */
    static List<String> files(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".reclaim.lock")).sorted()
                    .toList();
        }
    }

    @Test
    void fiftyAcquiresFromFourThreadsGetFiftyDistinctAddresses(@TempDir Path dir) throws Exception {
        // two threads share a Leases, two others have one each: the cursor and the file claim both decide
        Leases leases = new Leases(NET, dir);
        List<Callable<List<Lease>>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int count = t < 2 ? 13 : 12;
            Leases mineOrShared = t < 2 ? leases : new Leases(NET, dir);
            work.add(() -> {
                List<Lease> mine = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    mine.add(mineOrShared.acquire(SELF));
                }
                return mine;
            });
        }
        List<Lease> all = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Future<List<Lease>> f : pool.invokeAll(work)) {
                all.addAll(f.get());
            }
        }
        Set<InetAddress> v4 = new HashSet<>();
        Set<InetAddress> v6 = new HashSet<>();
        for (Lease lease : all) {
            v4.add(lease.address());
            v6.add(lease.address6().orElseThrow());
            long n = NET.subnet().indexOf(lease.address());
            assertTrue(n >= 2 && n <= 254, "neither the network, the gateway nor the broadcast address: " + lease);
            assertEquals(n, NET.subnet6().orElseThrow().indexOf(lease.address6().orElseThrow()), "the same host");
        }
        assertEquals(50, v4.size());
        assertEquals(50, v6.size());
        assertEquals(50, files(dir).size());
        assertEquals(50, leases.leases().size());
        for (Lease lease : all) {
            lease.release();
        }
        assertEquals(List.of(), files(dir), "released: no lease and no temporary file left");
    }

    @Test
    void addressesGoRoundRobinAndARecordSaysWhoHoldsThem(@TempDir Path dir) throws Exception {
        Leases leases = new Leases(NET, dir);
        Lease a = leases.acquire(SELF);
        assertEquals(ip("10.90.0.2"), a.address());
        assertEquals(Optional.of(ip("fd89:90::2")), a.address6());
        a.release();
        Lease b = leases.acquire(SELF);
        assertEquals(ip("10.90.0.3"), b.address(), "a freed address is not reused at once");
        assertEquals("address=10.90.0.3\naddress6=fd89:90::3\nowner=" + ProcessStart.SELF + "\nholder="
                + ProcessStart.SELF + "\n", Files.readString(dir.resolve("10.90.0.3")));
        assertEquals(ip("10.90.0.2"), new Leases(NET, dir).acquire(SELF).address(),
                "another process starts at the lowest free address");
    }

    @Test
    void aLeaseRecordReadsBackFromItsFileText() {
        LeaseRecord full = new LeaseRecord(ip("10.90.0.4"), Optional.of(ip("fd89:90::4")), 10, 20, 30, 40,
                Optional.of("pmxa"), List.of(PortMapping.tcp(8080, 80), PortMapping.udp(53, 53).on(ip("::1"))));
        assertEquals(full, LeaseRecord.parse(full.text()));
        LeaseRecord bare = new LeaseRecord(ip("10.90.0.5"), Optional.empty(), 10, 20, 10, 20, Optional.empty(),
                List.of());
        assertEquals("address=10.90.0.5\nowner=10 20\nholder=10 20\n", bare.text());
        assertEquals(bare, LeaseRecord.parse(bare.text()));
        for (String damaged : List.of("", "address=10.90.0.5\nowner=10 20\n", "address=x\nowner=1 2\nholder=1 2\n",
                "address=10.90.0.5\nowner=10\nholder=10 20\n", "address=10.90.0.5\nowner=1 2\nholder=1 2\nnew=1\n")) {
            assertEquals(null, LeaseRecord.parse(damaged), damaged);
        }
    }

    @Test
    void releaseIsIdempotentAndEndsTheLease(@TempDir Path dir) throws Exception {
        Lease lease = new Leases(NET, dir).acquire(SELF);
        lease.release();
        lease.release();
        assertEquals(List.of(), files(dir));
        assertThrows(IllegalStateException.class, () -> lease.reassign(SELF));
        assertTrue(lease.toString().endsWith("released"), lease.toString());
    }

    @Test
    void aLeaseHandedToAContainerLivesWhileEitherProcessRuns(@TempDir Path dir) throws Exception {
        Leases leases = new Leases(NET, dir);
        Lease lease = leases.acquire(SELF);
        lease.describe("pmxveth7", List.of(PortMapping.tcp(8080, 80).on(ip("127.0.0.1")), PortMapping.udp(53, 53)));
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            lease.reassign(sleeper.pid());
            LeaseRecord record = leases.leases().getFirst();
            assertEquals(lease.record(), record, "the file says what the handle says");
            assertEquals(sleeper.pid(), record.holderPid());
            assertEquals(SELF, record.ownerPid());
            assertEquals(Optional.of("pmxveth7"), record.hostInterface());
            assertEquals(List.of(PortMapping.tcp(8080, 80).on(ip("127.0.0.1")), PortMapping.udp(53, 53)),
                    record.ports());
            assertEquals(List.of(), leases.reclaim(), "its owner and its holder run");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertEquals(List.of(), leases.reclaim(), "its owner (this JVM) still runs");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> lease.reassign(sleeper.pid()),
                "a holder that is gone");
    }

    @Test
    void aLeaseOfARecycledPidIsReclaimedWithItsRecord(@TempDir Path dir) throws Exception {
        Leases leases = new Leases(NET, dir);
        Lease live = leases.acquire(SELF);
        String stale = "address=10.90.0.9\nowner=" + SELF + " " + (ProcessStart.SELF.startTime() + 1) + "\nholder="
                + SELF + " " + (ProcessStart.SELF.startTime() + 1) + "\ninterface=pmxold\npublish=9090->90/tcp\n";
        Files.writeString(dir.resolve("10.90.0.9"), stale);
        Files.writeString(dir.resolve("10.90.0.10"), "version=2\n");
        Files.writeString(dir.resolve(".tmp-" + SELF + "-1-1"), "a temporary file of a dead writer");
        List<LeaseRecord> reclaimed = leases.reclaim();
        assertEquals(1, reclaimed.size(), reclaimed.toString());
        assertEquals(ip("10.90.0.9"), reclaimed.getFirst().address());
        assertEquals(List.of(PortMapping.tcp(9090, 90)), reclaimed.getFirst().ports());
        assertEquals(Optional.of("pmxold"), reclaimed.getFirst().hostInterface());
        assertEquals(List.of("10.90.0.10", IpPrefix.literal(live.address())), files(dir),
                "the live lease and the unreadable file stay; the stale lease and the dead temporary file go");
        assertEquals(List.of(), leases.reclaim(), "each record is returned once");
    }

    @Test
    void aFullSubnetIsAnErrorNamingTheNetworkAndItsSize(@TempDir Path dir) throws Exception {
        BridgeNetwork small = NET.withSubnet(IpPrefix.parse("10.90.0.0/29")).withoutIpv6();
        Leases leases = new Leases(small, dir);
        for (int i = 0; i < 5; i++) {
            leases.acquire(SELF);
        }
        Leases.FullException e = assertThrows(Leases.FullException.class, () -> leases.acquire(SELF));
        assertEquals("network pmxtest (10.90.0.0/29): all 5 container addresses are leased (lease directory " + dir
                + ")", e.getMessage());
    }

    @Test
    void aFullSubnetWithDeadLeasesReclaimsThemAndTellsTheNextReclaim(@TempDir Path dir) throws Exception {
        BridgeNetwork small = NET.withSubnet(IpPrefix.parse("10.90.0.0/30")).withoutIpv6();
        Files.writeString(dir.resolve("10.90.0.2"), "address=10.90.0.2\nowner=" + SELF + " 1\nholder=" + SELF
                + " 1\npublish=7070->70/udp\n");
        Leases leases = new Leases(small, dir);
        assertEquals(ip("10.90.0.2"), leases.acquire(SELF).address());
        List<LeaseRecord> reclaimed = leases.reclaim();
        assertEquals(List.of(PortMapping.udp(7070, 70)), reclaimed.getFirst().ports());
        assertEquals(1, reclaimed.size());
    }
}
