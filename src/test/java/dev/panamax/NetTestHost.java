package dev.panamax;

import dev.panamax.net.BridgeNetwork;
import dev.panamax.net.Bridges;
import dev.panamax.net.IpPrefix;
import dev.panamax.net.Leases;
import dev.panamax.net.Nftables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * What a network test changes on the host, put back by {@link #close()}: the bridges it made ready (removed with
 * their NAT elements and lease directories), Panamax's nftables table if it was not there before, and the
 * forwarding sysctls a bridge turns on. Names and subnets are random per run, so concurrent runs do not meet.
 */
public final class NetTestHost implements AutoCloseable {
    private static final List<Path> SYSCTLS = List.of(Path.of("/proc/sys/net/ipv4/ip_forward"),
            Path.of("/proc/sys/net/ipv6/conf/all/forwarding"));

    private final boolean tableBefore;
    private final Map<Path, String> sysctlsBefore = new LinkedHashMap<>();
    private final List<BridgeNetwork> bridges = new ArrayList<>();

    private NetTestHost() throws IOException, InterruptedException {
        tableBefore = new ProcessBuilder("nft", "list", "table", "inet", Nftables.DEFAULT_TABLE)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        for (Path p : SYSCTLS) {
            sysctlsBefore.put(p, Files.readString(p));
        }
    }

    /**
     * Puts back what {@code network}, made by someone else (an example), changes: removed at {@link #close()}.
     *
     * @param network a bridge network the test lets be made
     */
    public void track(BridgeNetwork network) {
        bridges.add(network);
    }

    public static NetTestHost open() throws IOException, InterruptedException {
        return new NetTestHost();
    }

    /**
     * A bridge network of this test run: {@code prefix} and 4 random hex digits as its name, a random
     * 10.{@code second}.X.0/24 subnet with {@code third} as its lowest X, and a random ULA /64.
     */
    BridgeNetwork bridge(String prefix, int second, int third) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String name = prefix + String.format("%04x", random.nextInt(0x10000));
        int x = third + random.nextInt(200);
        BridgeNetwork network = BridgeNetwork.defaults().withName(name)
                .withSubnet(IpPrefix.parse("10." + (200 + second) + "." + x + ".0/24"))
                .withSubnet6(IpPrefix.parse(String.format("fd%02x:%x:%x::/64", random.nextInt(256),
                        random.nextInt(0x10000), random.nextInt(0x10000))));
        bridges.add(network);
        return network;
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (BridgeNetwork b : bridges) {
            try {
                Bridges.remove(b);
                deleteTree(Leases.ROOT.resolve(b.name()));
                deleteTree(Path.of("/run/panamax/containers", b.name()));
            } catch (Exception e) {
                failure = add(failure, e);
            }
        }
        if (!tableBefore) {
            try {
                new Nftables().removeTable();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        for (Map.Entry<Path, String> e : sysctlsBefore.entrySet()) {
            try {
                Files.writeString(e.getKey(), e.getValue());
            } catch (IOException ex) {
                failure = add(failure, ex);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Exception add(Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
