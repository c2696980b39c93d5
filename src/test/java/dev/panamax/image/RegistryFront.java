package dev.panamax.image;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A tiny HTTP/1.1 server on 127.0.0.1 for the registry tests (a socket and a virtual thread per connection; the
 * test module does not read {@code jdk.httpserver}): each request goes to a handler, which may answer itself (a
 * token endpoint, a 401, a 500, a corrupt blob, a cut or stalled body) or {@link #forward} to a real registry. One
 * request per connection.
 */
final class RegistryFront implements AutoCloseable {
    /** A request: its method, path with query, headers (names lowercase) and body (a POST's form). */
    record Request(String method, String target, Map<String, String> headers, String body) {
        Request(String target, Map<String, String> headers) {
            this("GET", target, headers, "");
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /**
     * An answer; cutAt: the bytes of the body sent before the connection is closed, or -1 for all; stall: the
     * connection is held open after them (until the front closes) instead.
     */
    record Answer(int status, Map<String, String> headers, byte[] body, int cutAt, boolean stall) {
        Answer(int status, Map<String, String> headers, byte[] body) {
            this(status, headers, body, -1, false);
        }

        /** The same answer with only its first bytes sent (the connection closed after them). */
        Answer cut(int bytes) {
            return new Answer(status, headers, body, bytes, false);
        }

        /** The same answer with only its first bytes sent, then nothing (the connection left open). */
        Answer stall(int bytes) {
            return new Answer(status, headers, body, bytes, true);
        }

        static Answer of(int status, String contentType, String body) {
            return new Answer(status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final ServerSocket server;
    private final Thread thread;
    private final Function<Request, Answer> handler;
    /** The requests seen, in order. */
    final CopyOnWriteArrayList<Request> requests = new CopyOnWriteArrayList<>();
    /** The body bytes sent, all answers together. */
    final AtomicLong bodyBytesSent = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);

    RegistryFront(Function<Request, Answer> handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.thread = Thread.ofPlatform().daemon().name("registry-front").start(this::serve);
    }

    /** {@code 127.0.0.1:PORT}. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Accepts connections, each answered by a virtual thread of its own (pulls download in parallel). */
    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("registry-front-connection").start(() -> answer(s));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void answer(Socket socket) {
        try (Socket s = socket) {
            s.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            String requestLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h; !(h = line(in)).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            h.substring(colon + 1).strip());
                }
            }
            String[] parts = requestLine.split(" ");
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(Math.min(length, 1 << 16)), StandardCharsets.UTF_8);
            Request request = new Request(parts[0], parts.length > 1 ? parts[1] : "/", headers, body);
            requests.add(request);
            Answer answer;
            try {
                answer = handler.apply(request);
            } catch (RuntimeException e) {
                answer = Answer.of(500, "text/plain", e.toString());
            }
            OutputStream out = s.getOutputStream();
            StringBuilder head = new StringBuilder("HTTP/1.1 " + answer.status() + " X\r\n");
            answer.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("Content-Length: ").append(answer.body().length).append("\r\nConnection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            int sent = answer.cutAt() >= 0 ? answer.cutAt() : answer.body().length;
            out.write(answer.body(), 0, sent);
            out.flush();
            bodyBytesSent.addAndGet(sent);
            if (answer.stall()) {
                closed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // closed, or a client that went away
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** The answer of a real registry (open) to the same GET, with its Accept and Range headers. */
    static Answer forward(String registry, Request request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + registry + request.target())).GET();
        for (String name : new String[] {"Accept", "Range"}) {
            String value = request.headers().get(name.toLowerCase(Locale.ROOT));
            if (value != null) {
                b.header(name, value);
            }
        }
        try {
            HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : new String[] {"Content-Type", "Docker-Content-Digest", "Content-Range"}) {
                r.headers().firstValue(name).ifPresent(v -> headers.put(name, v));
            }
            return new Answer(r.statusCode(), headers, r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
