package dev.panamax.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The VM's serial console, collected line by line with the host time each line arrived, so the
 * log shows where time went and boot timings can be read off marker lines.
 *
 * <pre>{@code
 * var console = new VmConsole(System.nanoTime());
 * console.follow(qemu.getInputStream());
 * qemu.waitFor();
 * console.awaitEnd();
 * Optional<Duration> boot = console.elapsedAt("init started");
 * }</pre>
 */
final class VmConsole {

    private record Line(long nanos, String text) {}

    private final long startNanos;
    private final List<Line> lines = new ArrayList<>();
    private Thread reader;

    VmConsole(long startNanos) {
        this.startNanos = startNanos;
    }

    void follow(InputStream in) {
        reader = Thread.ofPlatform().daemon().name("vm-console").start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(new Line(System.nanoTime() - startNanos, line.replace("\r", "")));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading the VM console", e);
            }
        });
    }

    /** Waits for the console to reach end of stream (qemu exited); bounded, qemu may hang. */
    void awaitEnd() throws InterruptedException {
        reader.join(Duration.ofSeconds(30));
    }

    /** Host time from start until the first line containing {@code marker}. */
    Optional<Duration> elapsedAt(String marker) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.text().contains(marker)).findFirst()
                    .map(l -> Duration.ofNanos(l.nanos()));
        }
    }

    String text() {
        var out = new StringBuilder();
        synchronized (lines) {
            lines.forEach(l -> out.append(String.format("[%7.2f] %s%n", l.nanos() / 1e9, l.text())));
        }
        return out.toString();
    }
}
