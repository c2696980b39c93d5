package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.RunOptions;
import dev.panamax.RunResult;
import dev.panamax.Stdio;
import dev.panamax.cgroup.Cgroup;
import dev.panamax.cgroup.CgroupStats;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code Launcher.run}: launches a spec with its streams captured, feeds stdin, waits with the wall-clock
 * limit, kills the whole container (cgroup or PID namespace) when the limit or an output limit is passed,
 * and collects the result. The handle's {@code close()} frees everything, whatever happens.
 */
final class RunToCompletion {
    private RunToCompletion() {
    }

    static RunResult run(ContainerSpec spec, RunOptions options) throws InterruptedException {
        if (!spec.has(Namespace.PID) && spec.resources().isEmpty()) {
            throw new InvalidSpecException("namespaces", "Launcher.run ends every process of the container, which"
                    + " needs a PID namespace (Namespace.PID) or a cgroup (resources)");
        }
        boolean merged = spec.process().stderr() instanceof Stdio.MergeWithStdout;
        Stdio in = options.stdinFile().map(Stdio::file)
                .orElse(options.stdinBytes().isPresent() ? Stdio.pipe() : Stdio.discard());
        ContainerSpec captured = spec.toBuilder().stdin(in).stdout(Stdio.pipe())
                .stderr(merged ? Stdio.mergeWithStdout() : Stdio.pipe()).build();
        try (RunningContainer c = Launch.start(captured)) {
            long started = System.nanoTime();
            CompletableFuture<Long> ended = c.reaped().thenApply(r -> System.nanoTime());
            AtomicBoolean overLimit = new AtomicBoolean();
            Runnable onLimit = () -> {
                if (options.endOnOutputLimit() && overLimit.compareAndSet(false, true)) {
                    c.killAll();
                }
            };
            options.stdinBytes().ifPresent(bytes -> feed(c.stdin(), bytes));
            CompletableFuture<RunResult.Output> out = capture(c.stdout(), options.stdoutLimit(), onLimit);
            CompletableFuture<RunResult.Output> err = merged
                    ? CompletableFuture.completedFuture(new RunResult.Output(new byte[0], 0))
                    : capture(c.stderr(), options.stderrLimit(), onLimit);
            Optional<Duration> limit = options.timeout();
            boolean timedOut = limit.isPresent() && c.waitFor(limit.get()).isEmpty();
            if (timedOut) {
                c.killAll();
            }
            ExitStatus status = c.waitFor();
            if (!spec.has(Namespace.PID)) {
                c.killAll(); // what outlived the first process (with a PID namespace, its end killed them)
            }
            RunResult.Output stdout = out.join();
            RunResult.Output stderr = err.join();
            Reaper.Reaped reaped = c.reaped().join();
            Cgroup cgroup = c.cgroupOrNull();
            CgroupStats stats = cgroup == null ? null : cgroup.stats();
            boolean oom = status.oomKilled() || cgroup != null && cgroup.oomKilled();
            RunResult.Ending ending = timedOut ? RunResult.Ending.TIMED_OUT
                    : overLimit.get() ? RunResult.Ending.OUTPUT_LIMIT
                    : oom ? RunResult.Ending.OOM_KILLED
                    : status.exited() ? RunResult.Ending.EXITED : RunResult.Ending.SIGNALLED;
            boolean cgroupCpu = stats != null && stats.cpuUsageNanos().isPresent();
            boolean cgroupMemory = stats != null && stats.memoryPeak().isPresent();
            return new RunResult(ending, status, stdout, stderr, Duration.ofNanos(ended.join() - started),
                    Duration.ofNanos(cgroupCpu ? stats.cpuUsageNanos().getAsLong() : reaped.cpuNanos()),
                    cgroupCpu ? RunResult.Accounting.CGROUP : RunResult.Accounting.RUSAGE,
                    cgroupMemory ? stats.memoryPeak().getAsLong() : reaped.maxRssBytes(),
                    cgroupMemory ? RunResult.Accounting.CGROUP : RunResult.Accounting.RUSAGE);
        }
    }

    /** Writes {@code bytes} on a thread of its own, then closes stdin; a program that stops reading ends it (EPIPE). */
    private static void feed(OutputStream stdin, byte[] bytes) {
        Thread.ofPlatform().daemon().name("panamax-run-stdin").start(() -> {
            try (stdin) {
                stdin.write(bytes);
            } catch (IOException programStoppedReading) {
                // EPIPE: the program closed its stdin or ended; what it did not read is not its input
            }
        });
    }

    /**
     * Reads {@code in} to its end on a thread of its own (one per stream: both are drained at once, so
     * neither can fill up and stall the program), keeping {@code limit} bytes and counting the rest.
     */
    private static CompletableFuture<RunResult.Output> capture(InputStream in, long limit, Runnable onLimit) {
        CompletableFuture<RunResult.Output> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("panamax-run-capture").start(() -> {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            long dropped = 0;
            byte[] buffer = new byte[64 * 1024];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    int keep = (int) Math.min(n, limit - kept.size());
                    kept.write(buffer, 0, keep);
                    if (keep < n) {
                        dropped += n - keep;
                        onLimit.run();
                    }
                }
                result.complete(new RunResult.Output(kept.toByteArray(), dropped));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e instanceof IOException io ? new UncheckedIOException(io) : e);
            }
        });
        return result;
    }
}
