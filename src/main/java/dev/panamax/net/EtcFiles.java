package dev.panamax.net;

import dev.panamax.net.NameResolution.HostEntry;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container's {@code /etc/resolv.conf}, {@code /etc/hosts} and {@code /etc/hostname}: their text (pure
 * functions) and {@link #write} to a directory the launch owns, from where they are bind-mounted read-only.
 *
 * <p>The name servers, when {@link NameResolution#servers()} is empty, are the host's, as Docker and podman do
 * it without a DNS proxy: a container in its own network namespace cannot reach a resolver on the host's
 * loopback ({@code 127.0.0.53} of systemd-resolved, a local dnsmasq), and the bridge's gateway runs none. So
 * when {@code /etc/resolv.conf} names a loopback server and {@code /run/systemd/resolve/resolv.conf} exists
 * (systemd-resolved's list of its upstream servers), that file is used instead; loopback and link-local servers
 * are then dropped, and if none is left the {@link NameResolution#fallbackServers()} are used (none unless given:
 * Panamax sends no query to a public resolver the user did not choose). A container on the host's network
 * ({@link Network#host()}) can use the host's file as it is.
 *
 * <pre>{@code
 * EtcFiles.Written files = EtcFiles.write(dir, "web", List.of(lease.address()), NameResolution.fromHost());
 * files.hosts();   // dir/hosts: bind-mount it over /etc/hosts
 * }</pre>
 */
public final class EtcFiles {
    /** The host's resolver configuration. */
    public static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    /** systemd-resolved's list of its upstream servers, in resolv.conf syntax. */
    public static final Path RESOLVED_RESOLV_CONF = Path.of("/run/systemd/resolve/resolv.conf");

    private EtcFiles() {
    }

    /**
     * The three files as written.
     *
     * @param resolvConf the resolver configuration, for {@code /etc/resolv.conf}
     * @param hosts      the host table, for {@code /etc/hosts}
     * @param hostname   the host name, for {@code /etc/hostname}
     */
    public record Written(Path resolvConf, Path hosts, Path hostname) {
    }

    /**
     * Writes {@code resolv.conf}, {@code hosts} and {@code hostname} (mode 0644, replacing older ones) into a
     * directory, reading the host's resolver files as {@link #resolvConf(NameResolution)}.
     *
     * @param dir       an existing directory of the launch's, e.g. {@code /run/panamax/containers/ID}
     * @param hostname  the container's host name
     * @param addresses the container's addresses, for its {@code hosts} line (empty: {@code 127.0.1.1})
     * @param dns       the settings
     * @return the paths of the three files
     * @throws IOException when a file cannot be read or written (the message names it)
     * @throws dev.panamax.spec.InvalidSpecException ({@code hostname}) for a host name that does not fit the files
     */
    public static Written write(Path dir, String hostname, List<InetAddress> addresses, NameResolution dns)
            throws IOException {
        String hostnameText = hostname(hostname);
        String hostsText = hosts(hostname, addresses, dns.hosts());
        Written files = new Written(dir.resolve("resolv.conf"), dir.resolve("hosts"), dir.resolve("hostname"));
        Files.writeString(files.resolvConf(), resolvConf(dns));
        Files.writeString(files.hosts(), hostsText);
        Files.writeString(files.hostname(), hostnameText);
        return files;
    }

    /**
     * The resolver configuration for a container in its own network namespace, from this host's
     * {@code /etc/resolv.conf} and, if it exists, {@code /run/systemd/resolve/resolv.conf}.
     *
     * @param dns the settings
     * @return the text of {@code /etc/resolv.conf}
     * @throws IOException when {@code /etc/resolv.conf} exists but cannot be read
     */
    public static String resolvConf(NameResolution dns) throws IOException {
        String host = readIfExists(HOST_RESOLV_CONF).orElse("");
        return resolvConf(dns, host, readIfExists(RESOLVED_RESOLV_CONF));
    }

    /**
     * The resolver configuration for a container in its own network namespace: the given settings, the rest
     * taken from the host's files as the class comment says.
     *
     * @param dns          the settings
     * @param hostResolv   the text of the host's {@code /etc/resolv.conf} (empty if it has none)
     * @param resolvedConf the text of {@code /run/systemd/resolve/resolv.conf}, if present
     * @return the text of {@code /etc/resolv.conf}
     */
    public static String resolvConf(NameResolution dns, String hostResolv, Optional<String> resolvedConf) {
        HostResolv host = HostResolv.parse(hostResolv);
        if (host.servers.stream().anyMatch(InetAddress::isLoopbackAddress) && resolvedConf.isPresent()) {
            host = HostResolv.parse(resolvedConf.get());
        }
        List<InetAddress> reachable = host.servers.stream()
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()).toList();
        List<InetAddress> servers = !dns.servers().isEmpty() ? dns.servers()
                : !reachable.isEmpty() ? reachable : dns.fallbackServers();
        StringBuilder text = new StringBuilder("# Generated by Panamax\n");
        if (servers.isEmpty()) {
            text.append("# No name server: the host has none reachable from a container, and none was given\n");
        }
        servers.forEach(s -> text.append("nameserver ").append(IpPrefix.literal(s)).append('\n'));
        List<String> search = dns.search().isEmpty() ? host.search : dns.search();
        if (!search.isEmpty()) {
            text.append("search ").append(String.join(" ", search)).append('\n');
        }
        List<String> options = dns.options().isEmpty() ? host.options : dns.options();
        if (!options.isEmpty()) {
            text.append("options ").append(String.join(" ", options)).append('\n');
        }
        return text.toString();
    }

    /**
     * The host table: localhost for IPv4 and IPv6, the container's name on each of its addresses (on
     * {@code 127.0.1.1} when it has none, as Debian does), then the extra entries.
     *
     * @param hostname  the container's host name
     * @param addresses the container's addresses
     * @param extra     extra entries, in order
     * @return the text of {@code /etc/hosts}
     * @throws dev.panamax.spec.InvalidSpecException ({@code hostname}) for a host name that does not fit the file
     */
    public static String hosts(String hostname, List<InetAddress> addresses, List<HostEntry> extra) {
        NameResolution.checkName("hostname", hostname);
        StringBuilder text = new StringBuilder("# Generated by Panamax\n127.0.0.1\tlocalhost\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        List<InetAddress> own = addresses.isEmpty() ? List.of(IpPrefix.address("hostname", "127.0.1.1")) : addresses;
        own.forEach(a -> text.append(IpPrefix.literal(a)).append('\t').append(hostname).append('\n'));
        extra.forEach(e -> text.append(IpPrefix.literal(e.address())).append('\t').append(e.name()).append('\n'));
        return text.toString();
    }

    /**
     * {@return the text of {@code /etc/hostname}: the name and a newline}
     *
     * @param hostname the container's host name, at most 64 bytes (the kernel's limit)
     * @throws dev.panamax.spec.InvalidSpecException ({@code hostname}) for a name that does not fit
     */
    public static String hostname(String hostname) {
        NameResolution.checkName("hostname", hostname);
        if (hostname.length() > 64) {
            throw new dev.panamax.spec.InvalidSpecException("hostname", hostname.length()
                    + " bytes, the kernel allows 64");
        }
        return hostname + "\n";
    }

    private static Optional<String> readIfExists(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** What a resolv.conf says: servers (unparsable or scoped ones skipped), search domains, options. */
    private record HostResolv(List<InetAddress> servers, List<String> search, List<String> options) {
        static HostResolv parse(String text) {
            List<InetAddress> servers = new ArrayList<>();
            List<String> search = new ArrayList<>();
            List<String> domain = new ArrayList<>();
            List<String> options = new ArrayList<>();
            for (String line : text.split("\n")) {
                String[] words = line.strip().split("[ \t]+");
                switch (words[0]) {
                    case "nameserver" -> {
                        if (words.length > 1) {
                            parseServer(words[1]).ifPresent(servers::add);
                        }
                    }
                    case "search" -> replace(search, words);
                    case "domain" -> replace(domain, words);
                    case "options" -> options.addAll(fitting(words));
                    default -> { } // comments, sortlist, blank lines
                }
            }
            return new HostResolv(servers, search.isEmpty() ? domain : search, options);
        }

        private static void replace(List<String> into, String[] words) {
            into.clear();
            into.addAll(fitting(words).stream().filter(w -> w.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}")).toList());
        }

        /** The words after the keyword that a container's file may hold (a host's odd word is left out). */
        private static List<String> fitting(String[] words) {
            return java.util.Arrays.stream(words, 1, words.length).filter(w -> w.matches("[A-Za-z0-9_.:+-]{1,64}"))
                    .toList();
        }

        private static Optional<InetAddress> parseServer(String word) {
            try {
                return Optional.of(IpPrefix.address("nameserver", word));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
