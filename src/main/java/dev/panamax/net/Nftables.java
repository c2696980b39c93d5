package dev.panamax.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outbound NAT and published ports in one nftables table that Panamax owns ({@code inet panamax} by default),
 * driven through the {@code nft} command (Debian {@code nftables}) with one transaction per call on its
 * standard input ({@code nft -f -}): the kernel applies a transaction whole or not at all, so a failed call
 * leaves nothing behind. Nothing outside the table is ever read or changed.
 *
 * <p>The state lives in the table's sets and maps, not in per-container rules, so adding or removing a
 * container's NAT or port is one element added or deleted and no rule handle is ever needed:
 * <ul>
 * <li>sets {@code subnets4}/{@code subnets6} (intervals): the bridge subnets whose traffic leaving them is
 *     masqueraded ({@code postrouting}: {@code ip saddr @subnets4 ip daddr != @subnets4 masquerade});
 * <li>maps {@code ports4}/{@code ports6} ({@code protocol . port : address . port}) and
 *     {@code hostports4}/{@code hostports6} (the same keyed also by the host address): published ports,
 *     rewritten by {@code dnat} for packets to a local address, both arriving ({@code prerouting}) and made on
 *     this host ({@code output}, so that {@code 127.0.0.1:8080} works);
 * <li>a masquerade of connections from a masqueraded subnet to a published port (a container reaching a
 *     port published by the host, maybe its own: "hairpin"), so that the answer comes back through the host;
 * <li>a masquerade of {@code 127.0.0.0/8} sources rewritten to leave the loopback ({@code ct status dnat}), so
 *     that the container can answer a connection to a published port on the loopback (which also needs
 *     {@link HostNetwork#enableRouteLocalnet(String)} on the bridge). IPv6 has no such path: {@code ::1}
 *     never leaves the host.
 * </ul>
 * Each mutating call first (re)declares the table, its chains, sets and maps with {@code add} (a no-op when
 * they exist) and replaces the chains' few fixed rules ({@code flush chain} then {@code add rule}) in the same
 * transaction, so the table is created on first use, repaired if changed, and never holds a rule twice, even
 * when several JVMs do it at once.
 *
 * <p>The {@code forward} chain only drops packets from or to a masqueraded subnet that conntrack finds invalid
 * (they would skip NAT and leak a container's address), as netavark does. It accepts nothing: an
 * {@code accept} in one table does not override a {@code drop} in another, so a host whose forward policy
 * drops (Docker's iptables sets one) must allow the bridge subnets in its own firewall; Panamax never edits
 * another table.
 *
 * <pre>{@code
 * Nftables nft = new Nftables();
 * nft.addMasquerade(InetAddress.getByName("10.89.0.0"), 24);
 * nft.publish("tcp", null, 8080, InetAddress.getByName("10.89.0.2"), 80);
 * ...
 * nft.unpublish("tcp", null, 8080, InetAddress.getByName("10.89.0.2"), 80);
 * }</pre>
 */
public final class Nftables {
    /** The table's name by default, in family {@code inet}. */
    public static final String DEFAULT_TABLE = "panamax";

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    /** How long one nft run may take before it is killed. */
    private static final long TIMEOUT_SECONDS = 30;
    /** Where nft and nsenter are looked for (root's tools live in sbin, often outside a user's PATH). */
    private static final List<String> TOOL_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin",
            "/usr/local/sbin", "/usr/local/bin");
    /** nft's error line: {@code /dev/stdin:3:32-41: Error: Could not process rule: File exists}. */
    private static final Pattern LOCATED_ERROR = Pattern.compile("^[^:\\s]*:(\\d+):[\\d-]+: (Error: .*)$");
    private static final String ENOENT_TEXT = "No such file or directory";
    private static final String EEXIST_TEXT = "File exists";

    /**
     * The table's objects and fixed rules ({@code TABLE} stands for {@code inet <name>}): {@code add} is a no-op
     * for what exists, and the chains are flushed and filled again, all in the caller's transaction.
     */
    private static final String SCHEMA = """
            add table TABLE
            add chain TABLE prerouting { type nat hook prerouting priority dstnat; policy accept; }
            add chain TABLE output { type nat hook output priority -100; policy accept; }
            add chain TABLE postrouting { type nat hook postrouting priority srcnat; policy accept; }
            add chain TABLE forward { type filter hook forward priority filter; policy accept; }
            add chain TABLE published
            add set TABLE subnets4 { type ipv4_addr; flags interval; }
            add set TABLE subnets6 { type ipv6_addr; flags interval; }
            add map TABLE ports4 { type inet_proto . inet_service : ipv4_addr . inet_service; }
            add map TABLE hostports4 { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }
            add map TABLE ports6 { type inet_proto . inet_service : ipv6_addr . inet_service; }
            add map TABLE hostports6 { type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service; }
            flush chain TABLE prerouting
            flush chain TABLE output
            flush chain TABLE postrouting
            flush chain TABLE forward
            flush chain TABLE published
            add rule TABLE prerouting fib daddr type local jump published
            add rule TABLE output fib daddr type local jump published
            add rule TABLE published dnat ip to ip daddr . meta l4proto . th dport map @hostports4
            add rule TABLE published dnat ip to meta l4proto . th dport map @ports4
            add rule TABLE published dnat ip6 to ip6 daddr . meta l4proto . th dport map @hostports6
            add rule TABLE published dnat ip6 to meta l4proto . th dport map @ports6
            add rule TABLE postrouting ip saddr @subnets4 ip daddr != @subnets4 masquerade
            add rule TABLE postrouting ip6 saddr @subnets6 ip6 daddr != @subnets6 masquerade
            add rule TABLE postrouting ip saddr @subnets4 ct status dnat masquerade
            add rule TABLE postrouting ip6 saddr @subnets6 ct status dnat masquerade
            add rule TABLE postrouting ip saddr 127.0.0.0/8 oifname != "lo" ct status dnat masquerade
            add rule TABLE forward ip saddr @subnets4 ct state invalid drop
            add rule TABLE forward ip daddr @subnets4 ct state invalid drop
            add rule TABLE forward ip6 saddr @subnets6 ct state invalid drop
            add rule TABLE forward ip6 daddr @subnets6 ct state invalid drop
            """;

    private final String table;
    private final Path netns;

    /** The table {@code inet panamax} in the JVM's own network namespace. */
    public Nftables() {
        this(DEFAULT_TABLE, null);
    }

    /**
     * A table of the given name (family {@code inet}), in the given network namespace.
     *
     * @param table the table's name: a letter, then up to 31 letters, digits or {@code _}
     * @param netns a network namespace file (e.g. {@code /run/netns/NAME}) to run nft in through
     *              {@code nsenter --net=}, or null for the JVM's own namespace
     * @throws IllegalArgumentException if {@code table} is not such a name
     */
    public Nftables(String table, Path netns) {
        Objects.requireNonNull(table, "table");
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("table: must be a letter then up to 31 letters, digits or _, not \""
                    + table + "\"");
        }
        this.table = table;
        this.netns = netns;
    }

    /** {@return the table's name (its family is {@code inet})} */
    public String table() {
        return table;
    }

    /**
     * Creates the table with its chains, sets and maps if missing, and puts its fixed rules back as they
     * should be; elements (subnets, ports) already there stay.
     *
     * @throws NftablesException if nft fails
     */
    public void ensureTable() {
        run("create table inet " + table, schema());
    }

    /**
     * Masquerades packets from {@code subnet/prefix} to anywhere outside the masqueraded subnets; idempotent.
     *
     * @param subnet an address of the subnet (host bits are ignored)
     * @param prefix the prefix length, 1 to 32 (IPv4) or 128 (IPv6)
     * @throws IllegalArgumentException if the prefix is out of range or the address scoped
     * @throws NftablesException        if nft fails, e.g. the subnet overlaps one already masqueraded
     */
    public void addMasquerade(InetAddress subnet, int prefix) {
        String element = subnetElement(subnet, prefix);
        List<String> script = schema();
        script.add(element("add", subnetSet(subnet), element));
        run("masquerade " + element, script);
    }

    /**
     * Stops masquerading {@code subnet/prefix}; removing a subnet that is not there, or from a table that is
     * gone, is no error.
     *
     * @param subnet an address of the subnet (host bits are ignored)
     * @param prefix the prefix length
     * @throws IllegalArgumentException if the prefix is out of range or the address scoped
     * @throws NftablesException        if nft fails otherwise
     */
    public void removeMasquerade(InetAddress subnet, int prefix) {
        String element = subnetElement(subnet, prefix);
        runRemoval("stop masquerading " + element, removal(subnetSet(subnet), element));
    }

    /**
     * Publishes a host port: packets to {@code hostAddress:hostPort} (every local address of the family of
     * {@code containerAddress} if null or a wildcard), arriving or made on this host, go to
     * {@code containerAddress:containerPort}. Publishing the same mapping again is no error.
     *
     * @param protocol         {@code tcp} or {@code udp}
     * @param hostAddress      the one host address to publish on, or null for every local address
     * @param hostPort         the host port, 1 to 65535
     * @param containerAddress the container's address
     * @param containerPort    the container's port, 1 to 65535
     * @throws IllegalArgumentException naming the field if a value is invalid (see {@link PublishedPort})
     * @throws NftablesException        if the host port is already published to another target (the message
     *                                  names the port and that target), or nft fails otherwise
     */
    public void publish(String protocol, InetAddress hostAddress, int hostPort, InetAddress containerAddress,
                        int containerPort) {
        publish(List.of(new PublishedPort(protocol, hostAddress, hostPort, containerAddress, containerPort)));
    }

    /**
     * Publishes several ports in one transaction (one nft run): all of them or, on an error, none.
     *
     * @param ports the ports, as {@link #publish(String, InetAddress, int, InetAddress, int)} takes them
     * @throws NftablesException if a host port is already published to another target (the message names the
     *                           port and that target), or nft fails otherwise
     */
    public void publish(List<PublishedPort> ports) {
        if (ports.isEmpty()) {
            return;
        }
        List<String> script = schema();
        for (PublishedPort p : ports) {
            script.add(element("add", portMap(p), portElement(p)));
        }
        try {
            run(describe("publish", ports), script);
        } catch (NftablesException e) {
            throw conflict("publish", ports, e);
        }
    }

    /**
     * Removes a published port; removing one that is not there, or from a table that is gone, is no error.
     *
     * @param protocol         {@code tcp} or {@code udp}
     * @param hostAddress      the host address it was published on, or null for every local address
     * @param hostPort         the host port
     * @param containerAddress the container's address it was published to
     * @param containerPort    the container's port it was published to
     * @throws IllegalArgumentException naming the field if a value is invalid
     * @throws NftablesException        if the host port is published to another target (the message names
     *                                  it; that mapping stays), or nft fails otherwise
     */
    public void unpublish(String protocol, InetAddress hostAddress, int hostPort, InetAddress containerAddress,
                          int containerPort) {
        unpublish(List.of(new PublishedPort(protocol, hostAddress, hostPort, containerAddress, containerPort)));
    }

    /**
     * Removes several published ports in one transaction; those not there are no error.
     *
     * @param ports the ports, as {@link #unpublish(String, InetAddress, int, InetAddress, int)} takes them
     * @throws NftablesException if a host port is published to another target (the message names it; every
     *                           mapping stays), or nft fails otherwise
     */
    public void unpublish(List<PublishedPort> ports) {
        if (ports.isEmpty()) {
            return;
        }
        List<String> script = new ArrayList<>();
        for (PublishedPort p : ports) {
            script.addAll(removal(portMap(p), portElement(p)));
        }
        try {
            runRemoval(describe("unpublish", ports), script);
        } catch (NftablesException e) {
            throw conflict("unpublish", ports, e);
        }
    }

    /**
     * Reads back the published ports, e.g. to remove those of containers that are gone.
     *
     * @return the ports in the table, empty if the table does not exist
     * @throws NftablesException if nft fails otherwise
     */
    public List<PublishedPort> listPublished() {
        String listing;
        try {
            listing = run("list table inet " + table, new ArrayList<>(List.of("list table inet " + table)));
        } catch (NftablesException e) {
            if (missing(e)) {
                return List.of();
            }
            throw e;
        }
        return parsePublished(listing);
    }

    /**
     * Removes the whole table with everything in it (a prune: no container may use it any more).
     *
     * @return whether the table existed
     * @throws NftablesException if nft fails otherwise
     */
    public boolean removeTable() {
        try {
            run("remove table inet " + table, new ArrayList<>(List.of("delete table inet " + table)));
            return true;
        } catch (NftablesException e) {
            if (missing(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Deletes one element idempotently: adding it first in the same transaction makes a missing element no
     * error (and a map key bound to other data an {@code EEXIST}).
     */
    private List<String> removal(String set, String element) {
        return List.of(element("add", set, element), element("delete", set, element));
    }

    /** Runs a removal; a table or set that is gone ({@code ENOENT} on an {@code add}) is no error. */
    private void runRemoval(String action, List<String> script) {
        try {
            run(action, script);
        } catch (NftablesException e) {
            if (!(missing(e) && e.statement().startsWith("add "))) {
                throw e;
            }
        }
    }

    /** Whether nft refused a statement because its table or set does not exist (not: nsenter found no netns). */
    private static boolean missing(NftablesException e) {
        return e.nftError().contains(ENOENT_TEXT) && !e.statement().isEmpty();
    }

    /** {@code publish tcp port 8080 on every host address to 10.89.0.2:80}, or {@code publish 3 ports}. */
    private static String describe(String verb, List<PublishedPort> ports) {
        if (ports.size() != 1) {
            return verb + " " + ports.size() + " ports";
        }
        PublishedPort p = ports.getFirst();
        return verb + " " + p.hostSide() + (verb.equals("publish") ? " to " : " from ") + p.containerSide();
    }

    /**
     * For an {@code EEXIST} (a host port published to another target), the error naming that port and, when
     * it can, its current target; any other error as it is.
     */
    private NftablesException conflict(String verb, List<PublishedPort> ports, NftablesException cause) {
        PublishedPort port = ports.stream().filter(p -> cause.statement().contains("{ " + portElement(p) + " }"))
                .findFirst().orElse(null);
        if (!cause.nftError().contains(EEXIST_TEXT) || port == null) {
            return cause;
        }
        String current = "another target";
        try {
            for (PublishedPort p : listPublished()) {
                if (p.protocol().equals(port.protocol()) && p.hostPort() == port.hostPort()
                        && Objects.equals(p.hostAddress(), port.hostAddress())
                        && p.containerAddress().getClass() == port.containerAddress().getClass()) {
                    current = p.containerSide();
                }
            }
        } catch (NftablesException ignored) {
            // the first error says enough
        }
        NftablesException e = new NftablesException(describe(verb, List.of(port)) + ": " + port.hostSide()
                + " is published to " + current, cause.statement(), cause.nftError(), cause.exitCode());
        e.addSuppressed(cause);
        return e;
    }

    /** The table, its chains, sets and maps, and its fixed rules, one statement a line. */
    private List<String> schema() {
        return new ArrayList<>(SCHEMA.replace("TABLE", "inet " + table).lines().toList());
    }

    private String element(String verb, String set, String element) {
        return verb + " element inet " + table + " " + set + " { " + element + " }";
    }

    private static String subnetSet(InetAddress subnet) {
        return subnet instanceof Inet4Address ? "subnets4" : "subnets6";
    }

    private static String portMap(PublishedPort p) {
        String family = p.containerAddress() instanceof Inet4Address ? "4" : "6";
        return (p.hostAddress() == null ? "ports" : "hostports") + family;
    }

    private static String portElement(PublishedPort p) {
        String key = p.protocol() + " . " + p.hostPort();
        if (p.hostAddress() != null) {
            key = text(p.hostAddress()) + " . " + key;
        }
        return key + " : " + text(p.containerAddress()) + " . " + p.containerPort();
    }

    /** {@code 10.89.0.0/24}: the subnet's network address (host bits cleared) and prefix. */
    static String subnetElement(InetAddress subnet, int prefix) {
        literal("subnet", subnet);
        byte[] bytes = subnet.getAddress();
        if (prefix < 1 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("prefix: must be 1 to " + bytes.length * 8 + " for "
                    + text(subnet) + ", not " + prefix);
        }
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return text(InetAddress.getByAddress(bytes)) + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes
        }
    }

    /** {@return an address in its short text form: {@code 10.89.0.2}, {@code fd00::2} (RFC 5952)} */
    static String text(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
            } else {
                if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                    out.append(':');
                }
                out.append(Integer.toHexString(groups[i]));
            }
        }
        return out.toString();
    }

    /** Refuses a null or scoped address (nft takes no {@code %scope}). */
    static void literal(String field, InetAddress address) {
        Objects.requireNonNull(address, field);
        if (address instanceof Inet6Address a && (a.getScopeId() != 0 || a.getScopedInterface() != null)) {
            throw new IllegalArgumentException(field + ": a scoped IPv6 address cannot be used: "
                    + a.getHostAddress());
        }
    }

    /** The published ports in a listing of the table ({@code nft list table}). */
    static List<PublishedPort> parsePublished(String listing) {
        List<PublishedPort> ports = new ArrayList<>();
        Matcher map = Pattern.compile("map (host)?ports[46] \\{([^}]*)\\}").matcher(listing);
        while (map.find()) {
            Matcher elements = Pattern.compile("elements = \\{([^}]*)").matcher(map.group(2) + "}");
            if (!elements.find()) {
                continue;
            }
            for (String element : elements.group(1).split(",")) {
                String[] sides = element.strip().split(" : ");
                if (sides.length != 2) {
                    continue;
                }
                String[] key = sides[0].split(" \\. ");
                String[] target = sides[1].split(" \\. ");
                boolean byHost = map.group(1) != null;
                int k = byHost ? 1 : 0;
                ports.add(new PublishedPort(key[k], byHost ? address(key[0]) : null, Integer.parseInt(key[k + 1]),
                        address(target[0]), Integer.parseInt(target[1].strip())));
            }
        }
        return ports;
    }

    /** An address literal from nft's listing (digits, hex, dots and colons only: never a name lookup). */
    private static InetAddress address(String literal) {
        String s = literal.strip();
        if (!s.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("not an address literal in nft's listing: " + s);
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal in nft's listing: " + s, e);
        }
    }

    /**
     * Runs one transaction; returns nft's standard output.
     *
     * @throws NftablesException naming the action, the refused statement, nft's error and exit code
     */
    private String run(String action, List<String> statements) {
        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.add(tool("nsenter", "util-linux", action));
            command.add("--net=" + netns);
        }
        command.add(tool("nft", "nftables", action));
        command.addAll(List.of("-f", "-"));
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new NftablesException(action, "", "cannot start " + command.getFirst() + ": " + e.getMessage(), -1);
        }
        try {
            CompletableFuture<String> stderr = drain(process.getErrorStream());
            CompletableFuture<String> stdout = drain(process.getInputStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write((String.join("\n", statements) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // nft closed its input early: its exit code and standard error tell why
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new NftablesException(action, "", "nft did not finish in " + TIMEOUT_SECONDS + " s", -1);
            }
            int code = process.exitValue();
            if (code != 0) {
                throw failure(action, statements, stderr.get(), code);
            }
            return stdout.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NftablesException(action, "", "interrupted while nft ran", -1);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("reading nft's output", (IOException) e.getCause());
        } finally {
            process.destroyForcibly();
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        });
        return text;
    }

    /** The exception for a failed run: nft's first error line and the statement on the line it names. */
    static NftablesException failure(String action, List<String> statements, String stderr, int code) {
        for (String line : stderr.lines().toList()) {
            Matcher m = LOCATED_ERROR.matcher(line);
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1));
                String statement = n >= 1 && n <= statements.size() ? statements.get(n - 1) : "";
                return new NftablesException(action, statement, m.group(2), code);
            }
        }
        String text = stderr.strip().lines().limit(5).reduce((a, b) -> a + " / " + b).orElse("no error text");
        return new NftablesException(action, "", text, code);
    }

    /** The path of a tool, or the error naming it and its Debian package. */
    private static String tool(String name, String debianPackage, String action) {
        for (String dir : TOOL_DIRS) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new NftablesException(action, "", name + " not found in " + String.join(", ", TOOL_DIRS)
                + " (Debian package " + debianPackage + ")", -1);
    }
}
