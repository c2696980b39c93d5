package dev.panamax.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The addresses of a bridge network leased to containers, shared by every process on the host through one
 * directory ({@code /run/panamax/leases/NETWORK/} by default): one file per leased address, named after the IPv4
 * address, holding a {@link LeaseRecord}. Container addresses are the hosts of the subnet after the gateway
 * ({@code .2} up to the last before the broadcast address), the IPv6 address the same host of the IPv6 subnet.
 *
 * <p>The claim is atomic: the record is written to a temporary file which is then hard-linked to the address's
 * name, which fails if the name exists ({@code link(2)}: EEXIST, as {@code O_CREAT|O_EXCL}), so two processes
 * never get one address and no reader sees a half-written lease. Addresses are taken round robin from the last
 * one taken (a freed address is not reused at once). A lease lives while its owner (the acquiring process) or
 * its holder runs, each known by pid and start time, so a recycled pid does not keep it; then
 * {@link #reclaim()} deletes it and returns its record. All processes sharing a directory must share a PID
 * namespace (the host's).
 *
 * <pre>{@code
 * Leases leases = new Leases(BridgeNetwork.defaults());
 * for (LeaseRecord dead : leases.reclaim()) { ... remove dead.ports() ... }   // once, at start
 * Lease lease = leases.acquire(ProcessHandle.current().pid());                // 10.89.0.2, fd89:70:6d78::2
 * }</pre>
 *
 * <p>Safe for use by several threads; keep one per network (it remembers where the last address was found).
 */
public final class Leases {
    /** Where the lease directories of the networks are by default, one per network name. */
    public static final Path ROOT = Path.of("/run/panamax/leases");
    /** Held while a thread of this JVM reclaims (a JVM holds a file lock once, whatever the thread). */
    private static final Object RECLAIMING = new Object();
    private static final String TEMP_PREFIX = ".tmp-";
    private static final AtomicLong TEMP_NUMBER = new AtomicLong();

    private final BridgeNetwork network;
    private final Path directory;
    /** The first and last container host index of the IPv4 subnet. */
    private final long first;
    private final long last;
    /** Offset from {@code first} of the next address to try; -1 until the directory was read once. */
    private final AtomicLong cursor = new AtomicLong(-1);
    private final List<LeaseRecord> reclaimedByAcquire = new ArrayList<>();

    /**
     * Thrown when every container address of the network is leased to a live process.
     */
    public static final class FullException extends IOException {
        private static final long serialVersionUID = 1L;

        FullException(String message) {
            super(message);
        }
    }

    /**
     * The leases of a network in {@link #ROOT}{@code /NAME}.
     *
     * @param network the network
     */
    public Leases(BridgeNetwork network) {
        this(network, ROOT.resolve(network.name()));
    }

    /**
     * The leases of a network in a directory of one's own (made on first use).
     *
     * @param network   the network
     * @param directory the lease directory
     */
    public Leases(BridgeNetwork network, Path directory) {
        this.network = network;
        this.directory = directory.toAbsolutePath();
        this.first = 2;
        this.last = network.subnet().size() - 2;
    }

    /** {@return the network whose addresses are leased} */
    public BridgeNetwork network() {
        return network;
    }

    /** {@return the lease directory} */
    public Path directory() {
        return directory;
    }

    /**
     * Leases the next free address (and its IPv6 twin) to this process and {@code holderPid}.
     *
     * <p>When every address is taken, it first {@link #reclaim()}s the network (the records it reclaims are
     * returned by the next {@code reclaim()} call), then tries every address once more.
     *
     * @param holderPid the process that holds the lease at first, usually this JVM's pid
     * @return the lease
     * @throws FullException when every address is leased to a live process
     * @throws IOException   when the holder is gone or the directory cannot be written (named)
     */
    public Lease acquire(long holderPid) throws IOException {
        ProcessStart holder = process(holderPid, "holder");
        long span = last - first + 1;
        if (cursor.get() < 0) {
            startAtFirstFree();
        }
        for (long i = 0; i < span; i++) {
            Lease lease = claim(first + Math.floorMod(cursor.getAndIncrement(), span), holder);
            if (lease != null) {
                return lease;
            }
        }
        List<LeaseRecord> reclaimed = reclaimDead();
        synchronized (reclaimedByAcquire) {
            reclaimedByAcquire.addAll(reclaimed);
        }
        for (long n = first; n <= last; n++) {
            Lease lease = claim(n, holder);
            if (lease != null) {
                return lease;
            }
        }
        throw new FullException("network " + network.name() + " (" + network.subnet() + "): all " + span
                + " container addresses are leased (lease directory " + directory + ")");
    }

    /**
     * Leases one chosen address (and its IPv6 twin) to this process and {@code holderPid}; when it is taken, the
     * network is reclaimed once (as {@link #acquire(long)} does when full) and the address tried again.
     *
     * @param holderPid the process that holds the lease at first, usually this JVM's pid
     * @param address   a container address of the network's IPv4 subnet (not the network, the gateway or the
     *                  broadcast address)
     * @return the lease
     * @throws FullException            when the address is leased to a live process (the message names it)
     * @throws IllegalArgumentException when the address is not a container address of the subnet
     * @throws IOException              when the holder is gone or the directory cannot be written (named)
     */
    public Lease acquire(long holderPid, InetAddress address) throws IOException {
        ProcessStart holder = process(holderPid, "holder");
        if (!network.subnet().contains(address) || network.subnet().indexOf(address) < first
                || network.subnet().indexOf(address) > last) {
            throw new IllegalArgumentException(IpPrefix.literal(address) + " is not a container address of "
                    + network.subnet() + " (" + IpPrefix.literal(network.subnet().host(first)) + " to "
                    + IpPrefix.literal(network.subnet().host(last)) + ")");
        }
        long n = network.subnet().indexOf(address);
        Lease lease = claim(n, holder);
        if (lease == null) {
            List<LeaseRecord> reclaimed = reclaimDead();
            synchronized (reclaimedByAcquire) {
                reclaimedByAcquire.addAll(reclaimed);
            }
            lease = claim(n, holder);
        }
        if (lease == null) {
            throw new FullException("network " + network.name() + " (" + network.subnet() + "): the address "
                    + IpPrefix.literal(address) + " is leased to a running container (lease directory " + directory
                    + ")");
        }
        return lease;
    }

    /**
     * Deletes the leases whose owner and holder are both gone (a JVM killed with its containers, a launch that
     * crashed) and returns what they said, so that the caller removes what they name (port rules); with them,
     * the records an {@link #acquire} reclaimed since the last call. Also deletes temporary files of dead
     * processes. Leases of other versions (unreadable records) are left alone.
     *
     * @return the reclaimed records, each returned once
     * @throws IOException when the directory cannot be read or a file deleted (named)
     */
    public List<LeaseRecord> reclaim() throws IOException {
        List<LeaseRecord> reclaimed = new ArrayList<>();
        synchronized (reclaimedByAcquire) {
            reclaimed.addAll(reclaimedByAcquire);
            reclaimedByAcquire.clear();
        }
        reclaimed.addAll(reclaimDead());
        return reclaimed;
    }

    /**
     * The records of every lease of the network, live or not, in address order.
     *
     * @return the records
     * @throws IOException when the directory cannot be read
     */
    public List<LeaseRecord> leases() throws IOException {
        List<LeaseRecord> records = new ArrayList<>();
        for (Path file : leaseFiles()) {
            LeaseRecord record = read(file);
            if (record != null) {
                records.add(record);
            }
        }
        records.sort((a, b) -> java.util.Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress()));
        return records;
    }

    /** Replaces a lease file atomically ({@code rename(2)}), for {@link Lease}. */
    void replace(Path file, LeaseRecord record) throws IOException {
        Path temp = writeTemp(record);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The process with this pid now; an IOException naming the role when there is none. */
    static ProcessStart process(long pid, String role) throws IOException {
        if (pid == ProcessStart.SELF.pid()) {
            return ProcessStart.SELF;
        }
        try {
            return ProcessStart.of(pid).orElseThrow(() -> new NoSuchFileException("/proc/" + pid + "/stat", null,
                    "the " + role + " process " + pid + " is gone"));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Claims host {@code n}, or returns null if it is taken. */
    private Lease claim(long n, ProcessStart holder) throws IOException {
        InetAddress address = network.subnet().host(n);
        Path file = directory.resolve(IpPrefix.literal(address));
        if (Files.exists(file)) {
            return null;
        }
        LeaseRecord record = new LeaseRecord(address, network.subnet6().map(v6 -> v6.host(n)),
                ProcessStart.SELF.pid(), ProcessStart.SELF.startTime(), holder.pid(), holder.startTime(),
                java.util.Optional.empty(), List.of());
        Path temp = writeTemp(record);
        try {
            Files.createLink(file, temp);
            return new Lease(this, file, record);
        } catch (FileAlreadyExistsException e) {
            return null;
        } finally {
            Files.delete(temp);
        }
    }

    /** A new temporary file {@code .tmp-PID-START-N} holding the record, making the directory if needed. */
    private Path writeTemp(LeaseRecord record) throws IOException {
        Path temp = directory.resolve(TEMP_PREFIX + ProcessStart.SELF.pid() + "-" + ProcessStart.SELF.startTime()
                + "-" + TEMP_NUMBER.incrementAndGet());
        byte[] text = record.text().getBytes(StandardCharsets.US_ASCII);
        try {
            Files.write(temp, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            Files.createDirectories(directory);
            Files.write(temp, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        return temp;
    }

    /** Sets the cursor to the lowest free address, from one read of the directory. */
    private synchronized void startAtFirstFree() throws IOException {
        if (cursor.get() >= 0) {
            return;
        }
        Set<String> taken = new HashSet<>();
        leaseFiles().forEach(f -> taken.add(f.getFileName().toString()));
        long n = first;
        while (n < last && taken.contains(IpPrefix.literal(network.subnet().host(n)))) {
            n++;
        }
        cursor.compareAndSet(-1, n - first);
    }

    /**
     * Under the directory's reclaim lock (an {@code fcntl} lock on {@code .reclaim.lock}, dropped by the kernel if
     * this process dies): only one process reclaims at a time, so a lease is read dead and deleted by one
     * reclaimer, never deleted after another process re-claimed its address.
     */
    private List<LeaseRecord> reclaimDead() throws IOException {
        List<LeaseRecord> reclaimed = new ArrayList<>();
        synchronized (RECLAIMING) {
            Files.createDirectories(directory);
            try (FileChannel channel = FileChannel.open(directory.resolve(".reclaim.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                deleteDeadTemps();
                for (Path file : leaseFiles()) {
                    LeaseRecord record = read(file);
                    if (record != null && !record.live()) {
                        reclaimed.add(record);
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
        return reclaimed;
    }

    private void deleteDeadTemps() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path temp : files.filter(f -> f.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
                String[] parts = temp.getFileName().toString().substring(TEMP_PREFIX.length()).split("-");
                ProcessStart writer = parts.length == 3 ? ProcessStart.parse(parts[0] + " " + parts[1]) : null;
                if (writer != null && !writer.alive()) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    /** The files named like an address (not the lock or temporary files); none when there is no directory. */
    private List<Path> leaseFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** A lease file's record; null when it vanished or is not one. */
    private static LeaseRecord read(Path file) throws IOException {
        try {
            return LeaseRecord.parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
