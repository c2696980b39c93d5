package dev.panamax.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference as docker and podman read it: {@code [registry[:port]/]path[:tag][@sha256:hex]}, after
 * distribution/reference ({@code reference.go}, {@code normalize.go}).
 *
 * <ul>
 *   <li>The first path part is a registry when it holds a {@code .} or a {@code :} (a port), is
 *   {@code localhost}, or has an uppercase letter; otherwise the registry is {@code docker.io}
 *   ({@code index.docker.io} is the same).</li>
 *   <li>A one-part path on {@code docker.io} is an official image: {@code busybox} is
 *   {@code docker.io/library/busybox}.</li>
 *   <li>Without a tag and a digest the tag is {@code latest}; a tag and a digest may both be given.</li>
 *   <li>The repository path is lowercase, its parts {@code [a-z0-9]+} joined by {@code .}, {@code _},
 *   {@code __} or dashes; a tag is {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}; the name is at most 255
 *   characters.</li>
 * </ul>
 *
 * <p>{@link #toString()} is the canonical, fully qualified form, which {@link #parse} reads back to an equal
 * reference: {@code docker.io/library/busybox:latest}.
 *
 * @param registry   the registry host, with {@code :port} if given ({@code docker.io} by default)
 * @param repository the repository path, e.g. {@code library/busybox}
 * @param tag        the tag, or {@code null} when only a digest was given
 * @param digest     the manifest digest, or {@code null}
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    /** Docker Hub's canonical name. */
    public static final String DOCKER_HUB = "docker.io";
    /** The tag of a reference that names neither a tag nor a digest. */
    public static final String DEFAULT_TAG = "latest";
    private static final int NAME_MAX = 255;
    private static final Pattern DOMAIN_COMPONENT = Pattern.compile("[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]");
    private static final Pattern IPV6 = Pattern.compile("\\[[a-fA-F0-9:]+\\]");
    private static final Pattern PORT = Pattern.compile("[0-9]+");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

    /**
     * Checks the parts of a canonical reference.
     *
     * @param registry   the registry host, with {@code :port} if given
     * @param repository the repository path
     * @param tag        the tag, or {@code null} (then {@code digest} is needed)
     * @param digest     the digest, or {@code null}
     * @throws IllegalArgumentException naming the malformed part
     */
    public ImageReference {
        checkRegistry(registry);
        checkRepository(repository);
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("image reference: a tag or a digest is needed");
        }
        if (tag != null) {
            checkTag(tag);
        }
        if (registry.length() + 1 + repository.length() > NAME_MAX) {
            throw new IllegalArgumentException("image reference: the name is longer than " + NAME_MAX + " characters");
        }
    }

    /**
     * Parses a reference as docker and podman do, with their defaults (registry, {@code library/}, tag).
     *
     * @param text the reference, e.g. {@code busybox}, {@code quay.io/org/app:1.2},
     *             {@code localhost:5000/app@sha256:...}
     * @return the reference with every default filled in
     * @throws IllegalArgumentException naming the malformed part (empty, uppercase path, bad tag, bad digest,
     *                                  empty path part, registry, length)
     */
    public static ImageReference parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        if (HEX64.matcher(text).matches()) {
            throw new IllegalArgumentException("image reference: '" + text
                    + "' is a 64-digit hex string, which names an image id, not a repository");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String digestText = rest.substring(at + 1);
            if (digestText.isEmpty()) {
                throw new IllegalArgumentException("image reference: the digest after '@' is empty");
            }
            try {
                digest = Digest.parse(digestText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("image reference: " + e.getMessage(), e);
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            checkTag(tag);
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("image reference: the name is empty");
        }
        if (rest.length() > NAME_MAX) {
            throw new IllegalArgumentException("image reference: the name is longer than " + NAME_MAX + " characters");
        }
        String registry = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0 && isRegistry(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            path = rest.substring(slash + 1);
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (!path.toLowerCase(Locale.ROOT).equals(path)) {
            throw new IllegalArgumentException("image reference: repository path '" + path + "' must be lowercase");
        }
        if (registry.equals(DOCKER_HUB) && !path.isEmpty() && path.indexOf('/') < 0) {
            path = "library/" + path;
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** Whether the first part of a name is a registry (distribution's splitDockerDomain). */
    private static boolean isRegistry(String first) {
        return first.indexOf('.') >= 0 || first.indexOf(':') >= 0 || first.equals("localhost")
                || !first.toLowerCase(Locale.ROOT).equals(first);
    }

    private static void checkRegistry(String registry) {
        if (registry.isEmpty()) {
            throw new IllegalArgumentException("image reference: the registry is empty");
        }
        String host = registry;
        int portColon = registry.startsWith("[") ? registry.indexOf(':', registry.indexOf(']') + 1)
                : registry.indexOf(':');
        if (portColon >= 0) {
            String port = registry.substring(portColon + 1);
            if (!PORT.matcher(port).matches()) {
                throw new IllegalArgumentException("image reference: registry port '" + port
                        + "' is not a number");
            }
            host = registry.substring(0, portColon);
        }
        if (host.startsWith("[")) {
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("image reference: registry '" + host
                        + "' is not a bracketed IPv6 address");
            }
            return;
        }
        String[] parts = host.split("\\.", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("image reference: registry '" + host + "' has an empty part");
            }
            if (!DOMAIN_COMPONENT.matcher(part).matches()) {
                throw new IllegalArgumentException("image reference: registry part '" + part
                        + "' is not letters, digits and inner dashes");
            }
        }
    }

    private static void checkRepository(String repository) {
        if (repository.isEmpty()) {
            throw new IllegalArgumentException("image reference: the repository path is empty");
        }
        String[] parts = repository.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                throw new IllegalArgumentException("image reference: part " + (i + 1) + " of the repository path '"
                        + repository + "' is empty");
            }
            if (!part.toLowerCase(Locale.ROOT).equals(part)) {
                throw new IllegalArgumentException("image reference: repository path '" + repository
                        + "' must be lowercase");
            }
            if (!PATH_COMPONENT.matcher(part).matches()) {
                throw new IllegalArgumentException("image reference: repository path part '" + part
                        + "' is not [a-z0-9]+ joined by '.', '_', '__' or dashes");
            }
        }
    }

    private static void checkTag(String tag) {
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("image reference: the tag after ':' is empty");
        }
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("image reference: tag '" + (tag.length() > 140 ? tag.substring(0, 140)
                    + "..." : tag) + "' is not [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
        }
    }

    /**
     * The name without tag and digest: {@code registry/repository}.
     *
     * @return the fully qualified repository name
     */
    public String name() {
        return registry + "/" + repository;
    }

    /** The canonical form: {@code registry/repository[:tag][@sha256:hex]}. */
    @Override
    public String toString() {
        return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
