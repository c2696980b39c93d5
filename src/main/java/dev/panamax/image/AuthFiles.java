package dev.panamax.image;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Registry credentials from the files podman and docker log in to (containers-auth.json(5)), looked up in order:
 * {@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.docker/config.json}; the
 * first file with an entry for the registry wins. An entry of the {@code auths} map is keyed by
 * {@code host[:port]}, a URL of it ({@code https://index.docker.io/v1/} for {@code docker.io}), or
 * {@code host[:port]/namespace} (the longest that prefixes the repository wins); its {@code auth} is
 * base64 {@code user:password}. The files are read when a registry asks for credentials, so a later login counts.
 */
final class AuthFiles {
    /**
     * Credentials found: user and secret, and/or an identity token (an OAuth2 refresh token, used for a Bearer token
     * endpoint instead of the password); where they came from. {@code toString} never shows a secret.
     */
    record Credential(String user, String secret, String identityToken, String source) {
        @Override
        public String toString() {
            return (user == null ? "identity token" : "credentials of user '" + user + "'")
                    + (source == null ? "" : " from " + source);
        }
    }

    private final List<Path> files;

    AuthFiles(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /** The files to read, in order, for an environment and home directory (a relative variable is ignored). */
    static AuthFiles of(Map<String, String> env, Path home) {
        List<Path> files = new ArrayList<>();
        String explicit = env.get("REGISTRY_AUTH_FILE");
        if (explicit != null && !explicit.isEmpty()) {
            files.add(Path.of(explicit));
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && runtime.startsWith("/")) {
            files.add(Path.of(runtime, "containers", "auth.json"));
        }
        if (home != null) {
            files.add(home.resolve(".docker").resolve("config.json"));
        }
        return new AuthFiles(files);
    }

    List<Path> files() {
        return files;
    }

    /**
     * Where no credentials were found, for a message: {@code none in A, B} naming the files that exist (those
     * {@link #find} reads), or {@code no credentials file (looked for A, B, C)} when none exists.
     */
    String nothingFound() {
        List<String> read = files.stream().filter(Files::isRegularFile).map(Path::toString).toList();
        if (!read.isEmpty()) {
            return "none in " + String.join(", ", read);
        }
        return "no credentials file (looked for " + String.join(", ", files.stream().map(Path::toString).toList())
                + ")";
    }

    /**
     * The credentials for a registry and repository, or null if no file has them.
     *
     * @throws IOException naming the file and the field of a malformed file (never its content)
     */
    Credential find(String registry, String repository) throws IOException {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Credential found = find(file, registry, repository);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Credential find(Path file, String registry, String repository) throws IOException {
        String where = "credentials file " + file;
        JsonNode auths;
        try {
            auths = Json.parse(StoreFiles.readLimited(file, where), where).get("auths");
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (auths == null || auths.isNull()) {
            return null;
        }
        if (!auths.isObject()) {
            throw new IOException(where + ": auths: not an object");
        }
        String bestKey = null;
        int bestLength = -1;
        String full = registry + "/" + repository;
        for (Iterator<String> keys = auths.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            String normal = normalize(key);
            boolean matches = normal.equals(registry) || full.startsWith(normal + "/") && normal.contains("/");
            if (matches && normal.length() > bestLength) {
                bestKey = key;
                bestLength = normal.length();
            }
        }
        if (bestKey == null) {
            return null;
        }
        JsonNode entry = auths.get(bestKey);
        String at = where + ": auths[\"" + bestKey + "\"]";
        if (!entry.isObject()) {
            throw new IOException(at + ": not an object");
        }
        String token = text(entry, "identitytoken", at);
        String auth = text(entry, "auth", at);
        if (auth == null || auth.isEmpty()) {
            if (token != null && !token.isEmpty()) {
                return new Credential(null, null, token, file.toString());
            }
            return null; // an entry without credentials (a credential helper's): not ours to use
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IOException(at + ".auth: not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new IOException(at + ".auth: not base64 of user:password");
        }
        return new Credential(decoded.substring(0, colon), decoded.substring(colon + 1),
                token == null || token.isEmpty() ? null : token, file.toString());
    }

    private static String text(JsonNode entry, String field, String at) throws IOException {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IOException(at + "." + field + ": not a string");
        }
        return value.asText();
    }

    /**
     * A key as the registry of a reference names it: without a scheme, a URL's path (docker's {@code /v1/}) and a
     * trailing slash; Docker Hub's names read as {@code docker.io}.
     */
    static String normalize(String key) {
        String k = key.strip();
        boolean url = false;
        for (String scheme : new String[] {"https://", "http://"}) {
            if (k.toLowerCase(Locale.ROOT).startsWith(scheme)) {
                k = k.substring(scheme.length());
                url = true;
            }
        }
        if (url && k.indexOf('/') >= 0) {
            k = k.substring(0, k.indexOf('/')); // docker's https://host/v1/: the host only
        }
        while (k.endsWith("/")) {
            k = k.substring(0, k.length() - 1);
        }
        int slash = k.indexOf('/');
        String host = slash < 0 ? k : k.substring(0, slash);
        String rest = slash < 0 ? "" : k.substring(slash);
        if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
            host = ImageReference.DOCKER_HUB;
        }
        return host + rest;
    }
}
