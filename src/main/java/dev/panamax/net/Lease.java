package dev.panamax.net;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A container's addresses, leased from a {@link Leases} directory until {@link #release()}. The lease file
 * records the owner (the process that acquired it) and the holder (the container, once {@link #reassign}ed);
 * while either runs the lease is kept, after both are gone any process may {@link Leases#reclaim()} it.
 *
 * <pre>{@code
 * Lease lease = leases.acquire(ProcessHandle.current().pid());
 * lease.describe("pmxa1b2c3", List.of(PortMapping.tcp(8080, 80)));   // before making the veth and port rules
 * lease.reassign(container.pid());                                   // the container holds it now
 * ...
 * lease.release();                                                   // after the container ended
 * }</pre>
 *
 * <p>Safe for use by several threads.
 */
public final class Lease {
    private final Leases leases;
    private final Path file;
    private LeaseRecord record;
    private boolean released;

    Lease(Leases leases, Path file, LeaseRecord record) {
        this.leases = leases;
        this.file = file;
        this.record = record;
    }

    /** {@return the container's IPv4 address} */
    public InetAddress address() {
        return record().address();
    }

    /** {@return the container's IPv6 address, when the network has IPv6} */
    public Optional<InetAddress> address6() {
        return record().address6();
    }

    /** {@return what the lease file says now} */
    public synchronized LeaseRecord record() {
        return record;
    }

    /** {@return the lease file, named after the IPv4 address} */
    public Path file() {
        return file;
    }

    /**
     * Hands the lease to another process (the container, once it runs): the file is replaced atomically, so a
     * reader sees the old holder or the new one. The owner stays, and keeps the lease alive while it runs.
     *
     * @param pid the new holder's pid
     * @throws IOException           when the process is gone or the file cannot be replaced (named)
     * @throws IllegalStateException after {@link #release()}
     */
    public synchronized void reassign(long pid) throws IOException {
        update(record.withHolder(Leases.process(pid, "holder")));
    }

    /**
     * Records what the launch makes on the host for the container, before it makes it, so that whoever reclaims
     * the lease after a crash can remove it: the host end of the veth pair and the published ports.
     *
     * @param hostInterface the host-side interface name
     * @param ports         the published ports
     * @throws IOException           when the file cannot be replaced (named)
     * @throws IllegalStateException after {@link #release()}
     * @throws dev.panamax.spec.InvalidSpecException ({@code interface}) for an invalid interface name
     */
    public synchronized void describe(String hostInterface, List<PortMapping> ports) throws IOException {
        BridgeNetwork.checkInterfaceName("interface", hostInterface);
        update(record.withDetails(hostInterface, ports));
    }

    /**
     * Gives the addresses back: deletes the lease file. A second call does nothing.
     *
     * @throws IOException when the file cannot be deleted (named)
     */
    public synchronized void release() throws IOException {
        if (!released) {
            Files.deleteIfExists(file);
            released = true;
        }
    }

    private void update(LeaseRecord next) throws IOException {
        if (released) {
            throw new IllegalStateException("the lease of " + IpPrefix.literal(record.address()) + " was released");
        }
        leases.replace(file, next);
        record = next;
    }

    /** {@code 10.89.0.2 (fd89:70:6d78::2) held by 4300}. */
    @Override
    public synchronized String toString() {
        return IpPrefix.literal(record.address()) + record.address6().map(a -> " (" + IpPrefix.literal(a) + ")")
                .orElse("") + (released ? " released" : " held by " + record.holderPid());
    }
}
