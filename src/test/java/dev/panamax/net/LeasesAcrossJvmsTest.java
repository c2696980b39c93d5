package dev.panamax.net;

import dev.panamax.ChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leases shared by several JVMs: no address twice, and the leases of a JVM killed with SIGKILL come back. */
@Tag("kernel")
class LeasesAcrossJvmsTest {

    /** Starts a probe JVM and waits for its "ready". */
    private static Process probe(Path dir, int count, Path go, String then) throws Exception {
        Process jvm = ChildJvm.start(LeaseProbe.class, dir.toString(), "10.90.0.0/24", Integer.toString(count),
                go.toString(), then);
        assertEquals("ready", reader(jvm).readLine());
        return jvm;
    }

    private static BufferedReader reader(Process jvm) {
        return jvm.inputReader();
    }

    /** The addresses a probe printed up to "done". */
    private static List<String> addresses(Process jvm) throws Exception {
        List<String> lines = new ArrayList<>();
        BufferedReader in = reader(jvm);
        for (String line = in.readLine(); !"done".equals(line); line = in.readLine()) {
            assertTrue(line != null && line.startsWith("10.90.0."), "probe output: " + lines + " then " + line);
            lines.add(line);
        }
        return lines;
    }

    @Test
    void threeJvmsAcquiringAtOnceGetDistinctAddresses(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        Path leaseDir = dir.resolve("leases");
        List<Process> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                jvms.add(probe(leaseDir, 25, go, "exit"));
            }
            Files.createFile(go);
            Set<String> seen = new HashSet<>();
            for (Process jvm : jvms) {
                for (String address : addresses(jvm)) {
                    assertTrue(seen.add(address), "leased twice: " + address);
                }
                assertEquals(0, jvm.waitFor());
            }
            assertEquals(75, seen.size());
            Leases leases = new Leases(LeasesTest.NET, leaseDir);
            List<LeaseRecord> reclaimed = leases.reclaim();
            assertEquals(75, reclaimed.size(), "the probes exited without releasing: every lease is dead");
            assertEquals(List.of(), LeasesTest.files(leaseDir));
        } finally {
            jvms.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void theLeasesOfAJvmKilledWithSigkillAreReclaimedWithTheirPorts(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        Files.createFile(go);
        Process jvm = probe(dir.resolve("leases"), 3, go, "sleep");
        try {
            List<String> leased = addresses(jvm);
            Leases leases = new Leases(LeasesTest.NET, dir.resolve("leases"));
            assertEquals(List.of(), leases.reclaim(), "the JVM runs: its leases are live");
            jvm.destroyForcibly().waitFor();   // SIGKILL
            List<LeaseRecord> reclaimed = leases.reclaim();
            assertEquals(leased, reclaimed.stream().map(r -> IpPrefix.literal(r.address())).sorted().toList());
            assertEquals(Set.of(PortMapping.tcp(20000, 80), PortMapping.tcp(20001, 80), PortMapping.tcp(20002, 80)),
                    reclaimed.stream().flatMap(r -> r.ports().stream()).collect(java.util.stream.Collectors.toSet()));
            assertEquals(List.of(), LeasesTest.files(dir.resolve("leases")));
            assertEquals("10.90.0.2", IpPrefix.literal(leases.acquire(LeasesTest.SELF).address()),
                    "the address is free again");
        } finally {
            jvm.destroyForcibly().waitFor();
        }
    }
}
