package dev.panamax.image;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Pulls images over the Registry HTTP API v2 (the OCI distribution spec) into an {@link ImageStore}, with the
 * JDK's {@link HttpClient}: the manifest (OCI or Docker schema 2; through an index or manifest list for a
 * platform), the config and the layers, each layer unpacked once by {@link ImageStore#unpackLayer} (layers
 * downloaded up to 4 at once); the image record is written last.
 *
 * <p>Blobs: each is downloaded under its digest's lock (threads and JVMs: one downloads, the others then find it
 * stored) into a partial file named after its digest; a download cut off, or left by a JVM that was killed, is
 * resumed with {@code Range: bytes=N-} (a registry answering 200 instead is read from the start), and the blob is
 * renamed into place only once its size and its digest over all its bytes are right. A body that stalls (no byte
 * for the {@link Builder#readTimeout read timeout}) is cut off by the client and resumed the same way. Progress
 * goes to a {@link PullListener}.
 *
 * <p>Authentication: anonymous; Basic with the credentials given for a registry or found in the credentials files
 * ({@link Builder#credentialsFromAuthFiles()}); the Bearer token flow on a 401 with
 * {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...} (the token endpoint is asked with the
 * credentials when there are any). No message holds a password or token. TLS always, except plain HTTP for
 * {@code localhost}, {@code 127.0.0.1}, {@code [::1]} and registries marked {@link Builder#insecure insecure};
 * the JDK's trust (and host name verification), plus the CAs given to {@link Builder#trustCertificates}. A TLS
 * failure (untrusted certificate, a certificate for another host) is not retried.
 * Answers 5xx and connection resets are retried with exponential backoff. Every failure is a
 * {@link RegistryException} or an {@link IOException} naming the registry and the reference or blob. Safe for use
 * by several threads.
 */
public final class RegistryClient {
    private static final String ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]*))");
    private static final Pattern CONTENT_RANGE = Pattern.compile("\\s*bytes\\s+(\\d{1,18})-");
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_NESTING = 4;
    /** Blobs downloaded at once. */
    private static final int PARALLEL = 4;

    private final HttpClient http;
    private final Map<String, AuthFiles.Credential> credentials;
    /** The credentials files to read, or null when the builder did not ask for them. */
    private final AuthFiles authFiles;
    private final PullListener listener;
    private final Set<String> insecure;
    private final int retries;
    private final Duration backoff;
    private final Duration timeout;
    private final Duration readTimeout;
    /** Authorization header values by registry and repository, learned from 401 answers. */
    private final Map<String, String> authorization = new ConcurrentHashMap<>();

    private RegistryClient(Builder b) {
        this.credentials = Map.copyOf(b.credentials);
        this.authFiles = b.authFiles;
        this.listener = b.listener;
        this.insecure = Set.copyOf(b.insecure);
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.timeout = b.timeout;
        this.readTimeout = b.readTimeout;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (!b.trusted.isEmpty()) {
            http.sslContext(trusting(b.trusted));
        }
        this.http = http.build();
    }

    /**
     * A builder for a client.
     *
     * @return a builder: anonymous, TLS except for the loopback, 3 retries from 200 ms backoff, a 30 s timeout for
     *         connections and answers' headers, a 60 s read timeout
     * @throws IllegalStateException if {@code java.net.http} or the image libraries are not available
     */
    public static Builder builder() {
        ImageSupport.require();
        Module self = RegistryClient.class.getModule();
        if (self.isNamed() && self.getLayer() != null && self.getLayer().findModule("java.net.http").isEmpty()) {
            throw new IllegalStateException("pulling images needs the module java.net.http: add"
                    + " --add-modules java.net.http (or requires java.net.http in your module)");
        }
        return new Builder();
    }

    /** Options of a {@link RegistryClient}: see {@link RegistryClient#builder()} for the defaults. */
    public static final class Builder {
        private final Map<String, AuthFiles.Credential> credentials = new HashMap<>();
        private AuthFiles authFiles;
        private PullListener listener = new PullListener() {
        };
        private final Set<String> insecure = new HashSet<>();
        private int retries = 3;
        private Duration backoff = Duration.ofMillis(200);
        private Duration timeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofSeconds(60);
        private final List<X509Certificate> trusted = new ArrayList<>();

        private Builder() {
        }

        /**
         * Credentials for one registry, used for Basic auth and to ask a Bearer token endpoint.
         *
         * @param registry the registry as in references ({@code docker.io}, {@code registry.example:5000})
         * @param username the user name
         * @param password the password or token
         * @return this builder
         */
        public Builder credentials(String registry, String username, String password) {
            credentials.put(registry, new AuthFiles.Credential(username, password, null, null));
            return this;
        }

        /**
         * Reads credentials, for registries {@link #credentials} gives none for, from the files podman and docker
         * log in to (containers-auth.json(5)), in this order: {@code $REGISTRY_AUTH_FILE},
         * {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.docker/config.json}; the first file with an entry
         * for the registry wins. Entries are keyed by {@code host[:port]}, its URL (docker's
         * {@code https://index.docker.io/v1/} for {@code docker.io}) or {@code host[:port]/namespace}; {@code auth}
         * is base64 {@code user:password}; an {@code identitytoken} (an OAuth2 refresh token) is sent to a Bearer
         * token endpoint instead (a POST, as docker's token spec has it), and fails naming its file where a registry
         * asks for Basic auth. The files are read when a registry asks for credentials.
         * Not the default: without this call no file is read.
         *
         * @return this builder
         */
        public Builder credentialsFromAuthFiles() {
            return credentialsFromAuthFiles(System.getenv(), Path.of(System.getProperty("user.home")));
        }

        /** {@link #credentialsFromAuthFiles()} for a given environment and home directory. */
        Builder credentialsFromAuthFiles(Map<String, String> env, Path home) {
            this.authFiles = AuthFiles.of(env, home);
            return this;
        }

        /**
         * A listener told the image's size, each layer's progress (called from the download threads) and the notes
         * of each layer's unpacking.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PullListener listener) {
            this.listener = java.util.Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Marks a registry as reachable over plain HTTP (the loopback always is).
         *
         * @param registry the registry as in references, e.g. {@code registry.lan:5000}
         * @return this builder
         */
        public Builder insecure(String registry) {
            insecure.add(registry);
            return this;
        }

        /**
         * Trusts the certificates in a PEM file (CA certificates, e.g. podman's
         * {@code /etc/containers/certs.d/HOST/ca.crt}) for the TLS of all registries, in addition to the JDK's
         * default trust (its {@code cacerts} or {@code javax.net.ssl.trustStore}), not instead of it. Host names
         * are still verified: the registry's certificate must name the host (or IP address) of the reference. May
         * be called for several files.
         *
         * @param pemFile a file of one or more {@code -----BEGIN CERTIFICATE-----} blocks
         * @return this builder
         * @throws IOException naming the file if it cannot be read or holds no valid X.509 certificate
         */
        public Builder trustCertificates(Path pemFile) throws IOException {
            byte[] pem;
            try {
                pem = Files.readAllBytes(pemFile);
            } catch (IOException e) {
                throw new IOException("trustCertificates: cannot read " + pemFile + ": " + e, e);
            }
            List<X509Certificate> read = new ArrayList<>();
            try {
                for (Certificate c : CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(pem))) {
                    read.add((X509Certificate) c);
                }
            } catch (CertificateException e) {
                throw new IOException("trustCertificates: " + pemFile + " is not a valid PEM certificate: "
                        + e.getMessage(), e);
            }
            if (read.isEmpty()) {
                throw new IOException("trustCertificates: " + pemFile + " holds no certificate");
            }
            trusted.addAll(read);
            return this;
        }

        /**
         * How often a request answered with 5xx or a connection reset is repeated.
         *
         * @param retries the number of retries (0: none)
         * @param backoff the wait before the first retry, doubled for each further one
         * @return this builder
         * @throws IllegalArgumentException if retries is negative
         */
        public Builder retries(int retries, Duration backoff) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries: " + retries + " is negative");
            }
            this.retries = retries;
            this.backoff = backoff;
            return this;
        }

        /**
         * The connect timeout and the time to wait for the headers of an answer.
         *
         * @param timeout the timeout (default 30 s)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * The longest wait for the next bytes of an answer's body: a blob download (or a manifest) that receives
         * nothing for this long is cut off. A blob's attempt then counts as a download cut off: it is retried as
         * often as {@link #retries} says, resuming with {@code Range} from the bytes it kept; after the retries the
         * pull fails with a {@link RegistryException} naming the registry, the blob and this timeout.
         *
         * @param readTimeout the idle time allowed while reading a body (default 60 s)
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder readTimeout(Duration readTimeout) {
            if (readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("readTimeout: " + readTimeout + " is not positive");
            }
            this.readTimeout = readTimeout;
            return this;
        }

        /**
         * The client.
         *
         * @return a client with these options
         */
        public RegistryClient build() {
            return new RegistryClient(this);
        }
    }

    /**
     * Pulls an image for this JVM's platform: see {@link #pull(ImageStore, ImageReference, Platform)}.
     *
     * @param store     the store to pull into
     * @param reference the image
     * @return the record, also found by {@link ImageStore#find} afterwards
     * @throws IOException naming the registry and the reference or blob and what failed
     */
    public ImageRecord pull(ImageStore store, ImageReference reference) throws IOException {
        return pull(store, reference, Platform.current());
    }

    /**
     * Pulls an image into a store: its manifest (for {@code platform} through an index or manifest list), config
     * and layers, blobs already stored are not downloaded again, each layer unpacked once; then records it as
     * {@code reference}.
     *
     * @param store     the store to pull into
     * @param reference the image (by tag or by digest)
     * @param platform  the platform to take from a multi-platform image
     * @return the record
     * @throws RegistryException naming the registry: 401 (credentials needed or refused), 404 (the reference),
     *                           5xx after the retries, connection refused (host and port)
     * @throws IOException       a digest or size mismatch (the blob named), a manifest over 4 MiB, a platform
     *                           the index does not offer (the offered named), a malformed document
     */
    public ImageRecord pull(ImageStore store, ImageReference reference, Platform platform) throws IOException {
        String where = "pull " + reference;
        try (StoreLock.Held held = store.importing()) {
            Digest expected = reference.digest();
            Document doc = manifest(reference, expected != null ? expected.toString() : reference.tag(), expected);
            for (int depth = 0; MediaTypes.INDEXES.contains(doc.mediaType); depth++) {
                if (depth >= MAX_NESTING) {
                    throw new IOException(where + ": indexes nested deeper than " + MAX_NESTING);
                }
                Descriptor chosen;
                try {
                    chosen = ImageIndex.parse(doc.bytes).select(platform);
                } catch (IllegalArgumentException e) {
                    throw new IOException(where + ": " + e.getMessage(), e);
                }
                doc = manifest(reference, chosen.digest().toString(), chosen.digest());
            }
            if (!MediaTypes.MANIFESTS.contains(doc.mediaType)) {
                throw new IOException(where + ": the registry answered media type '" + doc.mediaType
                        + "', neither an image manifest nor an index");
            }
            ImageManifest manifest;
            try {
                manifest = ImageManifest.parse(doc.bytes);
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
            Digest manifestDigest = store.putBlob(doc.bytes);
            listener.pullStarted(reference, manifest.layers().size(),
                    manifest.layers().stream().mapToLong(Descriptor::size).sum());
            blob(store, reference, manifest.config(), new PullListener() {
            });
            ImageConfig config;
            try {
                config = ImageConfig.parse(store.readDocument(manifest.config().digest()));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
            ArchiveImport.checkLayerCount(manifest.layers().size(), config, where + ": manifest " + manifestDigest);
            downloadAll(store, reference, manifest.layers());
            for (Descriptor layer : manifest.layers()) {
                store.unpackLayer(layer.digest());
                for (String note : store.unpackNotes(layer.digest())) {
                    listener.layerNote(layer.digest(), note);
                }
            }
            return store.record(reference, manifestDigest);
        }
    }

    /** A fetched manifest or index. */
    private record Document(byte[] bytes, String mediaType) {
    }

    /** GETs a manifest or index by tag or digest, at most 4 MiB, its digest verified when known. */
    private Document manifest(ImageReference ref, String tagOrDigest, Digest expected) throws IOException {
        String what = "manifest " + ref.name() + ":" + tagOrDigest;
        URI uri = base(ref.registry()).resolve("/v2/" + ref.repository() + "/manifests/" + tagOrDigest);
        HttpResponse<InputStream> response = get(ref, uri, ACCEPT, what, null);
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw failure(ref, response, what, in);
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length > Json.MAX_DOCUMENT) {
                throw new IOException("registry " + ref.registry() + ": " + what + " is " + length
                        + " bytes, more than the limit of " + Json.MAX_DOCUMENT);
            }
            byte[] bytes;
            try (ReadWatch watch = new ReadWatch(in, readTimeout)) {
                bytes = watch.readNBytes(Json.MAX_DOCUMENT + 1);
            } catch (Stalled e) {
                throw timedOut(e, ref, what, 1, -1);
            }
            if (bytes.length > Json.MAX_DOCUMENT) {
                throw new IOException("registry " + ref.registry() + ": " + what + " is more than the limit of "
                        + Json.MAX_DOCUMENT + " bytes");
            }
            Digest actual = Digest.of(bytes);
            if (expected == null) {
                String header = response.headers().firstValue("Docker-Content-Digest").orElse(null);
                if (header != null && header.startsWith(Digest.SHA256 + ":")) {
                    expected = Digest.parse(header);
                }
            }
            if (expected != null && !expected.equals(actual)) {
                throw new IOException("registry " + ref.registry() + ": " + what + ": its content has digest "
                        + actual + ", expected " + expected);
            }
            String mediaType;
            try {
                JsonNode node = Json.parseAny(bytes, what);
                mediaType = node.isObject() ? Json.optString(node, "mediaType", what) : null;
            } catch (IllegalArgumentException e) {
                throw new IOException("registry " + ref.registry() + ": " + e.getMessage(), e);
            }
            if (mediaType == null) {
                mediaType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip())
                        .orElse(MediaTypes.OCI_MANIFEST);
            }
            return new Document(bytes, mediaType);
        }
    }

    /**
     * Downloads blobs into the store, up to {@link #PARALLEL} at once (virtual threads); the first failure in
     * the blobs' order is thrown once all have ended.
     */
    private void downloadAll(ImageStore store, ImageReference ref, List<Descriptor> blobs) throws IOException {
        if (blobs.size() <= 1) {
            for (Descriptor d : blobs) {
                blob(store, ref, d, listener);
            }
            return;
        }
        Semaphore slots = new Semaphore(PARALLEL);
        List<Future<Void>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Descriptor d : blobs) {
                futures.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        blob(store, ref, d, listener);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
        }
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException("pull " + ref + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("pull " + ref + ": interrupted");
            }
        }
    }

    /**
     * Downloads a blob into the store unless it is there, under the digest's lock (threads and JVMs: one downloads,
     * the others find it stored), reporting to {@code progress}.
     */
    private void blob(ImageStore store, ImageReference ref, Descriptor d, PullListener progress) throws IOException {
        Digest digest = d.digest();
        progress.layerStarted(digest, d.size());
        if (!Files.exists(store.blobPath(digest))) {
            try (StoreLock.Held held = store.digestLock(digest).exclusive()) {
                if (!Files.exists(store.blobPath(digest))) {
                    download(store, ref, d, progress);
                }
            }
        }
        if (!Files.exists(store.blobPath(digest))) {
            throw new IOException("pull " + ref + ": blob " + digest + " is not stored after its download");
        }
        progress.bytes(digest, d.size(), d.size());
        progress.layerDone(digest);
    }

    /**
     * Downloads a blob into its partial file, resuming what the file holds with {@code Range: bytes=N-} (a 206
     * appends, a 200 starts over); a download cut off while read keeps its bytes and is resumed, as often as a 5xx
     * answer is retried. Content of another digest is refused, except once after a resume (then started over).
     */
    private void download(ImageStore store, ImageReference ref, Descriptor d, PullListener progress)
            throws IOException {
        String what = "blob " + d.digest();
        URI uri = base(ref.registry()).resolve("/v2/" + ref.repository() + "/blobs/" + d.digest());
        try (PartialBlob part = PartialBlob.open(store, d.digest(), d.size())) {
            boolean resumed = part.length() > 0;
            for (int attempt = 1; ; attempt++) {
                long have = part.length();
                if (have > 0) {
                    progress.bytes(d.digest(), have, d.size());
                }
                ReadWatch body = null;
                try {
                    if (d.size() < 0 || have < d.size()) {
                        HttpResponse<InputStream> response = get(ref, uri, null, what,
                                have > 0 ? "bytes=" + have + "-" : null);
                        try (InputStream in = response.body()) {
                            int status = response.statusCode();
                            if (have > 0 && (status == 416 || status == 206 && rangeStart(response) != have)) {
                                part.restart(); // the registry cannot resume from here: start over
                                resumed = false;
                                continue;
                            }
                            if (status == 200 && have > 0) {
                                part.restart();
                                resumed = false;
                                progress.bytes(d.digest(), 0, d.size());
                            } else if (status != 200 && status != 206) {
                                throw failure(ref, response, what, in);
                            }
                            ReadWatch watch = new ReadWatch(in, readTimeout);
                            body = watch;
                            try (watch) {
                                byte[] buffer = new byte[64 * 1024];
                                for (int n; (n = watch.read(buffer)) >= 0; ) {
                                    part.write(buffer, n);
                                    progress.bytes(d.digest(), part.length(), d.size());
                                }
                            }
                        }
                    }
                    Digest actual = part.commit();
                    if (actual.equals(d.digest())) {
                        return;
                    }
                    if (resumed) {
                        resumed = false; // what an earlier download left was not this blob's: start over
                        continue;
                    }
                    throw new IOException("blob " + d.digest() + ": its content has digest " + actual);
                } catch (IOException e) {
                    if (body != null && body.failed && attempt <= retries) {
                        sleep(attempt);
                        continue;
                    }
                    if (e instanceof RegistryException) {
                        throw e;
                    }
                    if (e instanceof Stalled stalled) {
                        throw timedOut(stalled, ref, what, attempt, part.length());
                    }
                    throw new IOException("registry " + ref.registry() + ": pull " + ref + ": " + e.getMessage()
                            + (body != null && body.failed ? " (" + what + ", after " + attempt + " attempts, "
                            + part.length() + " bytes kept to resume)" : ""), e);
                }
            }
        }
    }

    /** The first byte of a 206 answer's {@code Content-Range: bytes START-END/SIZE}, or -1. */
    private static long rangeStart(HttpResponse<?> response) {
        Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
        return m.lookingAt() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * The error for a body that stalled (the last of {@code attempts}): names the registry, the reference, the
     * manifest or blob and the read timeout.
     *
     * @param kept the bytes of a blob kept to resume, or -1 for a manifest
     */
    private RegistryException timedOut(Stalled e, ImageReference ref, String what, int attempts, long kept) {
        return new RegistryException("registry " + ref.registry() + ": pull " + ref + ": " + what + ": no data for "
                + text(readTimeout) + " (the read timeout)" + (kept < 0 ? "" : ", after " + attempts + " attempts, "
                + kept + " bytes kept to resume"), 0, e);
    }

    /** A duration as people write it: {@code 60 s}, {@code 300 ms}. */
    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Why a body read failed: no byte for the read timeout, so the {@link ReadWatch} closed it. */
    private static final class Stalled extends IOException {
        private static final long serialVersionUID = 1L;

        Stalled(IOException closed) {
            super("no data for the read timeout", closed);
        }
    }

    /**
     * A response body that remembers whether reading it failed (the connection), as opposed to what read it, and
     * that a watchdog (a virtual thread) closes once no byte has arrived for the read timeout, which ends a read
     * blocked on a stalled connection with a {@link Stalled} failure. Closing it stops the watchdog.
     */
    private static final class ReadWatch extends FilterInputStream {
        private final long idleNanos;
        private final Thread watchdog;
        private volatile long lastRead = System.nanoTime();
        private volatile boolean ended;
        boolean failed;
        volatile boolean stalled;

        ReadWatch(InputStream in, Duration readTimeout) {
            super(in);
            this.idleNanos = readTimeout.toNanos();
            this.watchdog = Thread.ofVirtual().name("registry-read-timeout").start(this::watch);
        }

        private void watch() {
            try {
                for (long idle; (idle = System.nanoTime() - lastRead) < idleNanos; ) {
                    Thread.sleep(Duration.ofNanos(idleNanos - idle));
                }
                if (!ended) {
                    stalled = true;
                    in.close(); // the HttpClient's stream: a read blocked in it throws at once
                }
            } catch (InterruptedException | IOException e) {
                // closed by its reader: nothing left to watch
            }
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                lastRead = System.nanoTime();
                return b;
            } catch (IOException e) {
                throw failure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                lastRead = System.nanoTime();
                return n;
            } catch (IOException e) {
                throw failure(e);
            }
        }

        /** Skips by reading, so that the watchdog sees the bytes come. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.max(0, Math.min(n, 8192))];
            long left = n;
            for (int r; left > 0 && (r = read(buffer, 0, (int) Math.min(left, buffer.length))) > 0; ) {
                left -= r;
            }
            return n - left;
        }

        private IOException failure(IOException e) {
            failed = true;
            return stalled ? new Stalled(e) : e;
        }

        @Override
        public void close() throws IOException {
            ended = true;
            watchdog.interrupt();
            super.close();
        }
    }

    /** The error for an answer other than 200. */
    private RegistryException failure(ImageReference ref, HttpResponse<?> response, String what, InputStream body)
            throws IOException {
        int status = response.statusCode();
        String text;
        try (ReadWatch watch = new ReadWatch(body, readTimeout)) {
            text = new String(watch.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (Stalled e) {
            text = ""; // the status says enough
        }
        Matcher code = ERROR_CODE.matcher(text);
        String detail = code.find() ? " " + code.group(1) : "";
        if (status == 404) {
            return new RegistryException("registry " + ref.registry() + ": " + ref + ": not found (404" + detail
                    + ", " + what + ")", status, null);
        }
        if (status >= 500) {
            return new RegistryException("registry " + ref.registry() + ": " + what + " of " + ref + ": HTTP "
                    + status + " after " + (retries + 1) + " attempts", status, null);
        }
        return new RegistryException("registry " + ref.registry() + ": " + what + " of " + ref + ": HTTP " + status
                + detail, status, null);
    }

    /**
     * GETs a registry URI, with a {@code Range} header unless null: authenticates on a 401 once, retries 5xx and
     * resets, follows redirects (without the registry's Authorization header to another host).
     */
    private HttpResponse<InputStream> get(ImageReference ref, URI uri, String accept, String what, String range)
            throws IOException {
        String key = ref.registry() + "/" + ref.repository();
        boolean authenticated = false;
        int attempt = 0;
        int redirects = 0;
        URI target = uri;
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).GET().timeout(timeout);
            if (accept != null) {
                request.header("Accept", accept);
            }
            if (range != null) {
                request.header("Range", range);
            }
            String auth = authorization.get(key);
            if (auth != null && sameOrigin(target, uri)) {
                request.header("Authorization", auth);
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (ConnectException e) {
                throw new RegistryException("registry " + ref.registry() + ": connection refused at "
                        + target.getHost() + ":" + port(target) + " (" + what + " of " + ref + ")", 0, e);
            } catch (SSLException e) {
                throw tlsFailure(ref, target, what, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("registry " + ref.registry() + ": " + what + ": interrupted");
            } catch (IOException e) {
                if (attempt++ < retries) {
                    sleep(attempt);
                    continue;
                }
                throw new RegistryException("registry " + ref.registry() + ": " + what + " of " + ref + ": " + e
                        + " after " + attempt + " attempts", 0, e);
            }
            int status = response.statusCode();
            if (status == 401 && sameOrigin(target, uri)) {
                String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
                discard(response);
                AuthFiles.Credential given = credential(ref);
                if (authenticated || challenge.isBlank()) {
                    throw new RegistryException("registry " + ref.registry() + ": 401 Unauthorized for " + ref
                            + ": " + refusal(given), 401, null);
                }
                authorization.put(key, authenticate(ref, challenge, given));
                authenticated = true;
                continue;
            }
            if (status >= 500 && attempt < retries) {
                discard(response);
                sleep(++attempt);
                continue;
            }
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = response.headers().firstValue("Location").orElse(null);
                discard(response);
                if (location == null || ++redirects > MAX_REDIRECTS) {
                    throw new RegistryException("registry " + ref.registry() + ": " + what + " of " + ref
                            + ": HTTP " + status + (location == null ? " without a Location" : " redirected more than "
                            + MAX_REDIRECTS + " times"), status, null);
                }
                target = target.resolve(location);
                continue;
            }
            return response;
        }
    }

    /** The credentials for a reference: given to the builder, else from the credentials files if asked. */
    private AuthFiles.Credential credential(ImageReference ref) throws IOException {
        AuthFiles.Credential given = credentials.get(ref.registry());
        if (given == null && authFiles != null) {
            given = authFiles.find(ref.registry(), ref.repository());
        }
        return given;
    }

    /** Why a registry refused: no credentials (and where none were found), or whose were refused (from where). */
    private String refusal(AuthFiles.Credential given) {
        if (given != null) {
            return "it refused the " + given;
        }
        return "it needs credentials (none given" + (authFiles == null ? "" : "; " + authFiles.nothingFound()) + ")";
    }

    /** The Authorization header value a 401 challenge asks for. */
    private String authenticate(ImageReference ref, String challenge, AuthFiles.Credential given)
            throws IOException {
        String scheme = challenge.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        Map<String, String> params = new HashMap<>();
        Matcher m = PARAM.matcher(challenge.strip().substring(scheme.length()));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
        }
        if (scheme.equals("basic")) {
            if (given != null && given.secret() == null) {
                throw new RegistryException("registry " + ref.registry() + ": 401 Unauthorized for " + ref
                        + ": Basic auth, but the credentials in " + given.source() + " are only an identitytoken"
                        + " (for a Bearer token endpoint)", 401, null);
            }
            if (given == null) {
                throw new RegistryException("registry " + ref.registry() + ": 401 Unauthorized for " + ref
                        + ": " + refusal(null) + " (Basic auth)", 401, null);
            }
            return basic(given);
        }
        if (!scheme.equals("bearer")) {
            throw new RegistryException("registry " + ref.registry() + ": 401 Unauthorized for " + ref
                    + ": unsupported authentication scheme '" + scheme + "'", 401, null);
        }
        String realm = params.get("realm");
        if (realm == null || realm.isBlank()) {
            throw new RegistryException("registry " + ref.registry() + ": 401 Unauthorized for " + ref
                    + ": a Bearer challenge without realm", 401, null);
        }
        StringBuilder query = new StringBuilder();
        if (params.get("service") != null) {
            query.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
        query.append(query.isEmpty() ? "" : "&").append("scope=")
                .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI tokenUri;
        HttpRequest.Builder request;
        if (given != null && given.identityToken() != null) {
            // the OAuth2 refresh token flow of docker's token spec: POST the identity token as a form
            tokenUri = URI.create(realm);
            query.append("&grant_type=refresh_token&client_id=panamax&refresh_token=")
                    .append(URLEncoder.encode(given.identityToken(), StandardCharsets.UTF_8));
            request = HttpRequest.newBuilder(tokenUri).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(query.toString()));
        } else {
            tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
            request = HttpRequest.newBuilder(tokenUri).GET().timeout(timeout);
            if (given != null) {
                request.header("Authorization", basic(given));
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new RegistryException("registry " + ref.registry() + ": token endpoint " + realm
                    + ": connection refused at " + tokenUri.getHost() + ":" + port(tokenUri), 0, e);
        } catch (SSLException e) {
            throw tlsFailure(ref, tokenUri, "token endpoint " + realm, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("registry " + ref.registry() + ": token endpoint: interrupted");
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new RegistryException("registry " + ref.registry() + ": token endpoint " + realm + " answered "
                    + status + " for " + ref + ": " + refusal(given), 401, null);
        }
        if (status != 200) {
            throw new RegistryException("registry " + ref.registry() + ": token endpoint " + realm + ": HTTP "
                    + status, status, null);
        }
        String token;
        try {
            JsonNode node = Json.parse(response.body(), "token endpoint " + realm);
            token = Json.optString(node, "token", "token endpoint");
            if (token == null || token.isEmpty()) {
                token = Json.optString(node, "access_token", "token endpoint");
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("registry " + ref.registry() + ": " + e.getMessage(), e);
        }
        if (token == null || token.isEmpty()) {
            throw new IOException("registry " + ref.registry() + ": token endpoint " + realm
                    + ": its answer has neither token nor access_token");
        }
        return "Bearer " + token;
    }

    private static String basic(AuthFiles.Credential given) {
        return "Basic " + Base64.getEncoder().encodeToString((given.user() + ":" + given.secret())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The base URI of a registry: Docker Hub's API host for {@code docker.io}; http only where allowed. */
    URI base(String registry) {
        String host = registry.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
        return URI.create((plainHttp(registry) ? "http://" : "https://") + host + "/");
    }

    /** Whether a registry is reached over plain HTTP: the loopback names, or marked insecure. */
    boolean plainHttp(String registry) {
        if (insecure.contains(registry)) {
            return true;
        }
        String host = registry;
        if (host.startsWith("[")) {
            host = host.substring(0, host.indexOf(']') + 1);
        } else if (host.contains(":")) {
            host = host.substring(0, host.lastIndexOf(':'));
        }
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /**
     * A TLS failure, not retried (a certificate does not become trusted by asking again): names the registry, the
     * host and port, the JDK's reason and, for an untrusted certificate, what to do.
     */
    private static RegistryException tlsFailure(ImageReference ref, URI target, String what, SSLException e) {
        boolean untrusted = false;
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            untrusted |= t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                    || t instanceof java.security.InvalidAlgorithmParameterException; // no trust anchors at all
            root = t;
        }
        String reason = root.getMessage() == null || String.valueOf(e.getMessage()).contains(root.getMessage())
                ? e.getMessage() : e.getMessage() + ": " + root.getMessage(); // e.g. "Unhandled exception": why
        return new RegistryException("registry " + ref.registry() + ": TLS handshake failed with "
                + target.getHost() + ":" + port(target) + " (" + what + "): " + reason
                + (untrusted ? " (trust its CA with RegistryClient.Builder.trustCertificates, or mark the registry"
                + " insecure for plain HTTP)" : ""), 0, e);
    }

    /**
     * An SSL context trusting the JDK's default trust anchors and {@code extra}, with the JDK's trust manager (so its
     * host name verification).
     */
    private static SSLContext trusting(List<X509Certificate> extra) {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            List<X509Certificate> all = new ArrayList<>();
            for (TrustManager tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    all.addAll(List.of(x509.getAcceptedIssuers()));
                }
            }
            all.addAll(extra);
            for (int i = 0; i < all.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, all.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("trustCertificates: cannot build the TLS trust: " + e, e);
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Reads away an answer's body (at most 1 MiB, within the read timeout) and closes it. */
    private void discard(HttpResponse<InputStream> response) {
        try (InputStream in = new ReadWatch(response.body(), readTimeout)) {
            in.skip(1 << 20);
        } catch (IOException e) {
            // the connection is dropped instead of reused
        }
    }

    private void sleep(int attempt) throws InterruptedIOException {
        try {
            Thread.sleep(backoff.multipliedBy(1L << Math.min(attempt - 1, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("registry: interrupted while waiting to retry");
        }
    }
}
