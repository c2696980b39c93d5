package dev.panamax.launch;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.mount.Mount;
import dev.panamax.net.BridgeNetwork;
import dev.panamax.net.Bridges;
import dev.panamax.net.EtcFiles;
import dev.panamax.net.HostNetwork;
import dev.panamax.net.Lease;
import dev.panamax.net.LeaseRecord;
import dev.panamax.net.Leases;
import dev.panamax.net.NameResolution;
import dev.panamax.net.Network;
import dev.panamax.net.Nftables;
import dev.panamax.net.PortMapping;
import dev.panamax.net.PublishedPort;
import dev.panamax.net.UserModeNetwork;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host side of a container's network (LaunchPhase NETWORK): a bridge network's bridge made ready, an address
 * leased, the published ports checked free, the container's {@code /etc} files written and bound read-only
 * ({@link #prepare}, before the program is compiled), then, while the child waits, its veth pair, addresses and
 * routes and its port rules ({@link #attach}). Everything is pushed on the launch's {@link Cleanup}: undone at
 * once when the launch fails, else when the container is closed. A lease survives a JVM that dies; the next
 * launch on that network reclaims it and removes its ports.
 */
final class NetworkSetup {
    /** Where the containers' /etc files live while they run. */
    static final Path RUNTIME = Path.of("/run/panamax/containers");
    /** The lease directory of each network this JVM used; the first use reclaims dead holders' leases. */
    private static final Map<BridgeNetwork, Leases> LEASES = new ConcurrentHashMap<>();

    /**
     * A command line the user-mode helper's is appended to, which must exec it: for hosts whose
     * {@code /dev/net/tun} the unprivileged user cannot open (see the README); whitespace-separated.
     */
    static final String USER_MODE_WRAPPER = "panamax.userModeNetwork.wrapper";

    private final ContainerSpec spec;
    /** The bridge network, or null in user mode. */
    private final BridgeNetwork bridge;
    private final Lease lease;
    private final Cleanup cleanup;
    /** User mode: the helper chosen and the directory of its files (and the container's /etc files). */
    private final UserModeNetwork.Tool tool;
    private final Path runtimeDir;
    private UserModeNetwork helper;
    /** Set once the container runs: from then on the undo runs off the caller's path. */
    private java.util.concurrent.atomic.AtomicBoolean ran;

    private NetworkSetup(ContainerSpec spec, BridgeNetwork bridge, Lease lease, Cleanup cleanup,
                         UserModeNetwork.Tool tool, Path runtimeDir) {
        this.spec = spec;
        this.bridge = bridge;
        this.lease = lease;
        this.cleanup = cleanup;
        this.tool = tool;
        this.runtimeDir = runtimeDir;
    }

    /** {@return the container's leased addresses, IPv4 first (none in user mode)} */
    List<InetAddress> addresses() {
        return lease == null ? List.of() : addressesOf(lease);
    }

    private static List<InetAddress> addressesOf(Lease lease) {
        List<InetAddress> all = new ArrayList<>();
        all.add(lease.address());
        lease.address6().ifPresent(all::add);
        return all;
    }

    /** {@return the spec to compile: the caller's, with the container's /etc files bound read-only} */
    ContainerSpec spec() {
        return spec;
    }

    /**
     * Everything before the clone; null when the spec has no network of its own to set up (loopback only, the
     * host's, a joined namespace).
     */
    static NetworkSetup prepare(ContainerSpec spec, Cleanup launch) {
        if (!spec.network().connected()) {
            return null;
        }
        // the network's own undo list: run at once when the launch fails, off the caller's path once it ran
        Cleanup cleanup = new Cleanup();
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        launch.push("undo the container's network", () -> undo(cleanup, ran.get()));
        NetworkSetup setup = spec.network().mode() instanceof Network.Bridge b ? bridge(spec, b, cleanup)
                : userMode(spec, cleanup);
        setup.ran = ran;
        return setup;
    }

    /**
     * One daemon thread for the undo of containers' networks after they ran (deleting a veth waits for RCU),
     * drained at JVM exit (what a killed JVM leaves, the next launch on the network reclaims).
     */
    private static final java.util.concurrent.ExecutorService UNDO = undoThread();

    private static java.util.concurrent.ExecutorService undoThread() {
        java.util.concurrent.ExecutorService undo = java.util.concurrent.Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("panamax-network-undo").factory());
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            undo.shutdown();
            try {
                undo.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return undo;
    }

    private static void undo(Cleanup cleanup, boolean ran) {
        if (!ran) {
            cleanup.close();
            return;
        }
        try {
            UNDO.execute(() -> undoLogged(cleanup));
        } catch (java.util.concurrent.RejectedExecutionException exiting) {
            undoLogged(cleanup); // the JVM exits: the hook waits for this one
        }
    }

    private static void undoLogged(Cleanup cleanup) {
        try {
            cleanup.close();
        } catch (RuntimeException e) {
            System.getLogger("dev.panamax").log(System.Logger.Level.WARNING, "undoing a container's network"
                    + " failed; the next launch on that network reclaims its lease and ports", e);
        }
    }

    /** A bridge network: the bridge ready, a lease, the ports checked, the /etc files. */
    private static NetworkSetup bridge(ContainerSpec spec, Network.Bridge mode, Cleanup cleanup) {
        BridgeNetwork network = mode.network();
        if (Libc.geteuid() != 0) {
            throw FailureReport.refused(spec, "connect to the bridge " + network.name(), "", "a bridge network needs"
                    + " root (CAP_NET_ADMIN on the host, to create veth pairs and NAT rules); a rootless container"
                    + " connects with network(Network.userMode())");
        }
        try {
            Bridges.ensure(network);
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, "make the bridge " + network.name() + " ready", e.call(), e.errno(), e);
        } catch (RuntimeException e) {
            throw failed(spec, "make the bridge " + network.name() + " ready", e);
        }
        Lease lease = lease(spec, network, mode.address().orElse(null));
        cleanup.push("release the lease of " + lease.address().getHostAddress(), lease::release);
        HostNetwork host = new HostNetwork();
        for (PortMapping p : spec.network().ports()) {
            try {
                host.requirePortFree(p.protocol().name().toLowerCase(Locale.ROOT), p.hostAddress().orElse(null),
                        p.hostPort());
            } catch (ErrnoException e) {
                throw FailureReport.parentCall(spec, "publish " + p, e.call(), e.errno(), e);
            }
        }
        return new NetworkSetup(withEtcFiles(spec, addressesOf(lease), filesOf(network, lease.address()),
                spec.network().names().orElseGet(NameResolution::fromHost), cleanup), network, lease, cleanup, null,
                null);
    }

    /**
     * User mode: the helper chosen (pasta, else slirp4netns), a private directory for its files and the
     * container's /etc files, whose resolv.conf names the helper's DNS forwarder unless servers were given.
     */
    private static NetworkSetup userMode(ContainerSpec spec, Cleanup cleanup) {
        UserModeNetwork.Tool tool;
        Path dir;
        try {
            tool = UserModeNetwork.Tool.installed();
            dir = Files.createTempDirectory("panamax-net-");
            cleanup.push("delete " + dir, () -> OverlayRoot.deleteTree(dir));
        } catch (IOException | RuntimeException e) {
            throw failed(spec, "set up user-mode networking", e);
        }
        NameResolution names = spec.network().names().orElseGet(NameResolution::fromHost);
        if (names.servers().isEmpty()) {
            names = names.withServers(InetAddress.ofLiteral(tool == UserModeNetwork.Tool.PASTA
                    ? UserModeNetwork.PASTA_DNS : UserModeNetwork.SLIRP4NETNS_DNS));
        }
        return new NetworkSetup(withEtcFiles(spec, List.of(), dir.resolve("etc"), names, cleanup), null, null,
                cleanup, tool, dir);
    }

    /** A lease on {@code network}, held by this JVM until {@link #attach} hands it to the container. */
    private static Lease lease(ContainerSpec spec, BridgeNetwork network, InetAddress wanted) {
        boolean[] first = {false};
        Leases leases = LEASES.computeIfAbsent(network, n -> {
            first[0] = true;
            return new Leases(n);
        });
        try {
            if (first[0]) {
                reclaim(leases);
            }
            if (wanted != null) {
                return leases.acquire(ProcessHandle.current().pid(), wanted);
            }
            try {
                return leases.acquire(ProcessHandle.current().pid());
            } catch (Leases.FullException full) {
                reclaim(leases); // a JVM that died may have left leases behind
                return leases.acquire(ProcessHandle.current().pid());
            }
        } catch (IOException e) {
            throw failed(spec, "lease an address on " + network.name(), e);
        }
    }

    /** Removes the leases of holders that are gone, with their ports and veth ends. */
    private static void reclaim(Leases leases) throws IOException {
        List<PublishedPort> ports = new ArrayList<>();
        for (LeaseRecord dead : leases.reclaim()) {
            for (PortMapping p : dead.ports()) {
                ports.add(published(p, dead.address()));
            }
            Bridges.disconnect(dead.hostInterface().orElse(hostInterface(dead.address())));
            OverlayRoot.deleteTree(filesOf(leases.network(), dead.address()));
        }
        if (!ports.isEmpty()) {
            new Nftables().unpublish(ports);
        }
    }

    /**
     * Where the /etc files of the container holding {@code address} on {@code network} live: one directory per
     * lease, so that the reclaim of a dead JVM's lease removes its files too.
     */
    static Path filesOf(BridgeNetwork network, InetAddress address) {
        return RUNTIME.resolve(network.name()).resolve(address.getHostAddress());
    }

    /** The spec with the container's resolv.conf, hosts and hostname written in {@code dir} and bound read-only. */
    private static ContainerSpec withEtcFiles(ContainerSpec spec, List<InetAddress> addresses, Path dir,
                                              NameResolution names, Cleanup cleanup) {
        try {
            OverlayRoot.deleteTree(dir); // a dead holder's, whose lease was reclaimed by another JVM
            Files.createDirectories(dir);
            cleanup.push("delete " + dir, () -> OverlayRoot.deleteTree(dir));
            // without a hostname of its own the container's UTS namespace starts with the host's
            String hostname = spec.hostname().orElse(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
            EtcFiles.Written files = EtcFiles.write(dir, hostname, addresses, names);
            ContainerSpec.Builder b = spec.toBuilder();
            bind(spec, b, files.resolvConf(), "/etc/resolv.conf");
            bind(spec, b, files.hosts(), "/etc/hosts");
            if (spec.hostname().isPresent()) {
                bind(spec, b, files.hostname(), "/etc/hostname");
            }
            return b.build();
        } catch (IOException e) {
            throw failed(spec, "write the container's /etc/resolv.conf, /etc/hosts and /etc/hostname", e);
        }
    }

    /** Binds {@code file} read-only at {@code target}, unless the caller mounts something there already. */
    private static void bind(ContainerSpec spec, ContainerSpec.Builder b, Path file, String target) {
        if (spec.filesystem().mounts().stream().noneMatch(m -> m.target().equals(target))) {
            b.mount(Mount.bind(file, target).asReadOnly());
        }
    }

    /**
     * While the child waits in its new network namespace: its veth pair on the bridge, its addresses and
     * routes, its published ports; then, for a container that may outlive this JVM (created, or without the
     * parent-death signal), the lease passes to the container's process.
     */
    void attach(long pid, boolean outlivesJvm) {
        if (bridge == null) {
            startHelper(pid);
            return;
        }
        String hostInterface = hostInterface(lease.address());
        int netns;
        try {
            netns = Libc.open("/proc/" + pid + "/ns/net", Abi.O_RDONLY | Abi.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, "open the container's network namespace", "open", e.errno(), e);
        }
        try {
            cleanup.push("delete the veth " + hostInterface, () -> Bridges.disconnect(hostInterface));
            Bridges.connect(bridge, netns, hostInterface, lease.address(), lease.address6());
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, "connect the container to the bridge " + bridge.name(), e.call(),
                    e.errno(), e);
        } finally {
            Libc.close(netns);
        }
        List<PortMapping> mappings = spec.network().ports();
        try {
            if (!mappings.isEmpty()) {
                // recorded before they are made: a reclaim after a crash removes them (the veth's name follows
                // from the address, and the veth goes with the container's namespace anyway)
                lease.describe(hostInterface, mappings);
                List<PublishedPort> ports = mappings.stream().map(p -> published(p, lease.address())).toList();
                Nftables nft = new Nftables();
                cleanup.push("unpublish " + mappings, () -> nft.unpublish(ports));
                nft.publish(ports);
            }
            if (outlivesJvm) {
                lease.reassign(pid); // else this JVM, which the container dies with, holds it until the close
            }
        } catch (IOException e) {
            throw failed(spec, "record the lease of " + lease.address().getHostAddress(), e);
        } catch (RuntimeException e) {
            throw failed(spec, "publish " + mappings, e);
        }
    }

    /** User mode: the helper for the child's network namespace, configured before the child goes on. */
    private void startHelper(long pid) {
        List<UserModeNetwork.Port> ports = spec.network().ports().stream().map(p -> new UserModeNetwork.Port(
                p.protocol().name().toLowerCase(Locale.ROOT), p.hostAddress().orElse(null), p.hostPort(),
                p.containerPort())).toList();
        String wrapper = System.getProperty(USER_MODE_WRAPPER, "").strip();
        List<String> prefix = wrapper.isEmpty() ? List.of() : List.of(wrapper.split("\\s+"));
        try {
            helper = UserModeNetwork.start(pid, ports, runtimeDir, tool, prefix);
        } catch (RuntimeException e) {
            throw failed(spec, "start " + tool.command() + " for the container's network", e);
        }
        UserModeNetwork started = helper;
        cleanup.push("stop " + tool.command(), started::close);
    }

    /** Once the container runs: the user-mode helper ends when the container does, not only at its close. */
    void started(Container container) {
        ran.set(true);
        if (helper != null) {
            helper.closeOnExit(container.onExit());
        }
    }

    /** The host end of the veth pair: {@code pmx} and the address in hex, unique while the lease is. */
    static String hostInterface(InetAddress address) {
        StringBuilder name = new StringBuilder("pmx");
        for (byte b : address.getAddress()) {
            name.append(String.format(Locale.ROOT, "%02x", b & 0xff));
        }
        return name.toString();
    }

    private static PublishedPort published(PortMapping p, InetAddress container) {
        return new PublishedPort(p.protocol().name().toLowerCase(Locale.ROOT), p.hostAddress().orElse(null),
                p.hostPort(), container, p.containerPort());
    }

    private static LaunchException failed(ContainerSpec spec, String what, Exception e) {
        return FailureReport.refused(spec, what, e instanceof dev.panamax.net.NftablesException ? "nft" : "",
                String.valueOf(e.getMessage()), e instanceof UncheckedIOException u ? u.getCause() : e);
    }
}
