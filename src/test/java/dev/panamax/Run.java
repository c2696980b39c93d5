package dev.panamax;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Test helper: launches a spec with piped stdout and stderr, drains both concurrently, waits (bounded).
 *
 * <pre>{@code
 * Run r = Run.of(ContainerSpec.builder().rootfs(root).command("hostname"));
 * assertEquals("box\n", r.stdout());
 * }</pre>
 */
public record Run(ExitStatus status, String stdout, String stderr) {

    public static Run of(ContainerSpec.Builder spec) {
        return of(spec.stdout(Stdio.pipe()).stderr(Stdio.pipe()).build());
    }

    public static Run of(ContainerSpec spec) {
        try (Container c = Launcher.launch(spec)) {
            return of(c, spec.process().argv());
        }
    }

    /** Drains the streams of a launched (or exec'd) process {@code c} running {@code argv} and waits for it. */
    public static Run of(Container c, java.util.List<String> argv) {
        try {
            CompletableFuture<byte[]> out = drain(c.stdout());
            CompletableFuture<byte[]> err = drain(c.stderr());
            ExitStatus status = c.waitFor(Duration.ofSeconds(60))
                    .orElseThrow(() -> new AssertionError("container did not end within 60 s: " + argv));
            return new Run(status, new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One thread per stream: the common pool may have a single worker on two cores, and would deadlock. */
    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toByteArray();
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name("drain").start(task));
    }

    /** Fails with both streams in the message unless the container exited 0. */
    public Run ok() {
        if (!status.exited() || status.code() != 0) {
            throw new AssertionError("container " + status + "\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        return this;
    }
}
