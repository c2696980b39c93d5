package dev.panamax.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a lease file says: the container's addresses, the process that took the lease (its owner, the
 * launching JVM) and the one that holds it now (the container), each by pid and start time, and what the
 * launch made on the host for the container that outlives it if nobody removes it (the host end of its veth
 * pair, its published ports). {@link Leases#reclaim()} returns these for leases whose processes are all gone,
 * so that the caller removes the port rules.
 *
 * <p>The file holds one {@code key=value} line per field, in this order ({@code interface} and
 * {@code address6} only when set, one {@code publish} line per port):
 * <pre>
 * address=10.89.0.2
 * address6=fd89:70:6d78::2
 * owner=4242 1234567
 * holder=4300 1234890
 * interface=pmx0a590002
 * publish=127.0.0.1:8080-&gt;80/tcp
 * </pre>
 *
 * @param address         the IPv4 address
 * @param address6        the IPv6 address, when the network has IPv6
 * @param ownerPid        the pid of the process that took the lease
 * @param ownerStartTime  its start time (field 22 of {@code /proc/PID/stat})
 * @param holderPid       the pid of the process that holds it now (the owner until reassigned)
 * @param holderStartTime its start time
 * @param hostInterface   the host end of the container's veth pair, once known
 * @param ports           the container's published ports
 */
public record LeaseRecord(InetAddress address, Optional<InetAddress> address6, long ownerPid, long ownerStartTime,
                          long holderPid, long holderStartTime, Optional<String> hostInterface,
                          List<PortMapping> ports) {

    /** Checks that the fields are given and copies the ports. */
    public LeaseRecord {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(address6, "address6");
        Objects.requireNonNull(hostInterface, "hostInterface");
        ports = List.copyOf(ports);
    }

    ProcessStart owner() {
        return new ProcessStart(ownerPid, ownerStartTime);
    }

    ProcessStart holder() {
        return new ProcessStart(holderPid, holderStartTime);
    }

    /** {@return true while the owner or the holder runs} */
    boolean live() {
        return owner().alive() || holderPid != ownerPid && holder().alive();
    }

    LeaseRecord withHolder(ProcessStart holder) {
        return new LeaseRecord(address, address6, ownerPid, ownerStartTime, holder.pid(), holder.startTime(),
                hostInterface, ports);
    }

    LeaseRecord withDetails(String iface, List<PortMapping> published) {
        return new LeaseRecord(address, address6, ownerPid, ownerStartTime, holderPid, holderStartTime,
                Optional.of(iface), published);
    }

    /** {@return the file's text} */
    String text() {
        StringBuilder text = new StringBuilder("address=").append(IpPrefix.literal(address)).append('\n');
        address6.ifPresent(a -> text.append("address6=").append(IpPrefix.literal(a)).append('\n'));
        text.append("owner=").append(owner()).append("\nholder=").append(holder()).append('\n');
        hostInterface.ifPresent(i -> text.append("interface=").append(i).append('\n'));
        ports.forEach(p -> text.append("publish=").append(p).append('\n'));
        return text.toString();
    }

    /** Reads a file's text; null when it is not one (a file of a newer version, or damaged). */
    static LeaseRecord parse(String text) {
        InetAddress address = null;
        Optional<InetAddress> address6 = Optional.empty();
        ProcessStart owner = null;
        ProcessStart holder = null;
        Optional<String> iface = Optional.empty();
        List<PortMapping> ports = new ArrayList<>();
        try {
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                String value = line.substring(eq + 1);
                switch (line.substring(0, Math.max(eq, 0))) {
                    case "address" -> address = IpPrefix.address("address", value);
                    case "address6" -> address6 = Optional.of(IpPrefix.address("address6", value));
                    case "owner" -> owner = ProcessStart.parse(value);
                    case "holder" -> holder = ProcessStart.parse(value);
                    case "interface" -> iface = Optional.of(value);
                    case "publish" -> ports.add(PortMapping.parse(value));
                    default -> {
                        return null;
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (address == null || owner == null || holder == null) {
            return null;
        }
        return new LeaseRecord(address, address6, owner.pid(), owner.startTime(), holder.pid(), holder.startTime(),
                iface, ports);
    }
}
