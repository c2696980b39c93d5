package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a container's {@code /etc/resolv.conf} and {@code /etc/hosts} say beyond the defaults: name servers,
 * search domains, resolver options, extra host entries. An empty list means "as on the host": the host's
 * servers, search domains and options (see {@link EtcFiles#resolvConf(NameResolution, String, java.util.Optional)}
 * for how a loopback resolver such as systemd-resolved's {@code 127.0.0.53}, unreachable from a container, is
 * replaced).
 *
 * <pre>{@code
 * NameResolution dns = NameResolution.fromHost()
 *         .withHost("db", InetAddress.ofLiteral("10.89.0.9"))           // an /etc/hosts line
 *         .withFallbackServers(InetAddress.ofLiteral("192.0.2.53"));     // only if the host has none usable
 * }</pre>
 *
 * @param servers         name servers, in order; empty for the host's
 * @param search          search domains; empty for the host's
 * @param options         resolver options ({@code ndots:2}, {@code edns0}); empty for the host's
 * @param hosts           extra {@code /etc/hosts} entries, after the container's own
 * @param fallbackServers the servers used when {@code servers} is empty and the host has no server a container
 *                        can reach (none by default: then the file names no server, and lookups fail)
 */
public record NameResolution(List<InetAddress> servers, List<String> search, List<String> options,
                             List<HostEntry> hosts, List<InetAddress> fallbackServers) {

    /**
     * One extra line of {@code /etc/hosts}: a name and its address.
     *
     * @param name    a host name: letters, digits, {@code - _ .}, at most 253 characters
     * @param address its address, a literal
     */
    public record HostEntry(String name, InetAddress address) {
        /**
         * Checks the name and the address.
         *
         * @throws InvalidSpecException ({@code hosts.name} or {@code hosts.address}) for a name that is not a host
         *                              name (a newline, a blank or a {@code #} in it) or a scoped address
         */
        public HostEntry {
            checkName("hosts.name", name);
            checkUnscoped("hosts.address", address);
        }
    }

    /**
     * Copies the lists and checks every element.
     *
     * @throws InvalidSpecException naming {@code dns.servers[i]}, {@code dns.search[i]}, {@code dns.options[i]} or
     *                              {@code dns.fallbackServers[i]} for an element that does not fit its file
     */
    public NameResolution {
        servers = List.copyOf(servers);
        search = List.copyOf(search);
        options = List.copyOf(options);
        hosts = List.copyOf(hosts);
        fallbackServers = List.copyOf(fallbackServers);
        for (int i = 0; i < servers.size(); i++) {
            checkUnscoped("dns.servers[" + i + "]", servers.get(i));
        }
        for (int i = 0; i < fallbackServers.size(); i++) {
            checkUnscoped("dns.fallbackServers[" + i + "]", fallbackServers.get(i));
        }
        for (int i = 0; i < search.size(); i++) {
            checkName("dns.search[" + i + "]", search.get(i));
        }
        for (int i = 0; i < options.size(); i++) {
            if (!options.get(i).matches("[A-Za-z0-9_.:+-]{1,64}")) {
                throw new InvalidSpecException("dns.options[" + i + "]", "an option is one word of letters, digits "
                        + "and '_.:+-' (e.g. ndots:2), got " + IpPrefix.quoted(options.get(i)));
            }
        }
    }

    /** {@return the host's servers, search domains and options; no extra host entry, no fallback server} */
    public static NameResolution fromHost() {
        return new NameResolution(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /**
     * {@return these settings with the given name servers instead of the host's}
     *
     * @param nameServers the servers, in order
     * @throws InvalidSpecException ({@code dns.servers[i]}) for a scoped IPv6 address
     */
    public NameResolution withServers(InetAddress... nameServers) {
        return new NameResolution(List.of(nameServers), search, options, hosts, fallbackServers);
    }

    /**
     * {@return these settings with the given search domains instead of the host's}
     *
     * @param domains the search domains, in order
     * @throws InvalidSpecException ({@code dns.search[i]}) for a domain that is not a domain name
     */
    public NameResolution withSearch(String... domains) {
        return new NameResolution(servers, List.of(domains), options, hosts, fallbackServers);
    }

    /**
     * {@return these settings with the given resolver options instead of the host's}
     *
     * @param resolverOptions the options, such as {@code ndots:2}
     * @throws InvalidSpecException ({@code dns.options[i]}) for an option that is not one word
     */
    public NameResolution withOptions(String... resolverOptions) {
        return new NameResolution(servers, search, List.of(resolverOptions), hosts, fallbackServers);
    }

    /**
     * {@return these settings with one more {@code /etc/hosts} entry}
     *
     * @param name    the host name
     * @param address its address
     * @throws InvalidSpecException ({@code hosts.name}, {@code hosts.address}) as {@link HostEntry}
     */
    public NameResolution withHost(String name, InetAddress address) {
        List<HostEntry> more = new ArrayList<>(hosts);
        more.add(new HostEntry(name, address));
        return new NameResolution(servers, search, options, more, fallbackServers);
    }

    /**
     * {@return these settings with servers to use when the host has none a container can reach}
     *
     * @param nameServers the servers, in order (e.g. a public resolver: Panamax picks none by itself)
     * @throws InvalidSpecException ({@code dns.fallbackServers[i]}) for a scoped IPv6 address
     */
    public NameResolution withFallbackServers(InetAddress... nameServers) {
        return new NameResolution(servers, search, options, hosts, List.of(nameServers));
    }

    /**
     * Checks a host or domain name for {@code /etc/hosts}, {@code /etc/resolv.conf} and {@code /etc/hostname}:
     * 1 to 253 ASCII letters, digits, {@code -}, {@code _} and {@code .}, not starting with {@code -} or
     * {@code .}; so no blank, newline or {@code #} can end a line or start a comment.
     *
     * @param field the field named in the error
     * @param name  the name
     * @throws InvalidSpecException naming {@code field} when the name does not fit
     */
    public static void checkName(String field, String name) {
        Objects.requireNonNull(name, field);
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}")) {
            throw new InvalidSpecException(field, "a host name is 1 to 253 letters, digits, '-', '_' and '.' (no "
                    + "blank, newline or '#', not starting with '-' or '.'), got " + IpPrefix.quoted(name));
        }
    }

    private static void checkUnscoped(String field, InetAddress address) {
        Objects.requireNonNull(address, field);
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            throw new InvalidSpecException(field, "a scoped IPv6 address cannot be written to a container's files, "
                    + "got " + IpPrefix.literal(address));
        }
    }
}
