package dev.panamax.examples;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Mount;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs an untrusted command the way an online judge does: no network (a net namespace with only
 * {@code lo}), a memory and a process limit, a wall-clock timeout, captured output, and a verdict:
 * {@code OK}, {@code TIMEOUT}, {@code OOM} or {@code RUNTIME ERROR (exit 3)}.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@sandbox -Dargs="--timeout 2 -- sh -c 'echo hi; sleep 5'"
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes dev.panamax.examples.Sandbox \
 *     [--rootfs DIR] [--timeout SECONDS] [--memory MB] [--] COMMAND...
 * </pre>
 *
 * <p>Exits 0 for OK, 1 for any other verdict.
 */
public final class Sandbox {
    private static final int OUTPUT_SHOWN = 2000;

    private Sandbox() {
    }

    /** The command line: options, then the command. */
    record Options(Optional<Path> rootfs, Duration timeout, DataSize memory, List<String> command) {
        static Options parse(String[] args) {
            Optional<Path> rootfs = Optional.empty();
            Duration timeout = Duration.ofSeconds(5);
            DataSize memory = DataSize.ofMegabytes(64);
            int i = 0;
            for (; i < args.length && args[i].startsWith("--"); i++) {
                switch (args[i]) {
                    case "--rootfs" -> rootfs = Optional.of(Path.of(value(args, ++i)));
                    case "--timeout" -> timeout = Duration.ofMillis((long) (Double.parseDouble(value(args, ++i)) * 1000));
                    case "--memory" -> memory = DataSize.ofMegabytes(Long.parseLong(value(args, ++i)));
                    case "--" -> {
                        i++;
                        return new Options(rootfs, timeout, memory, command(args, i));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (use --rootfs DIR, --timeout SECONDS, --memory MB, then the command)");
                }
            }
            return new Options(rootfs, timeout, memory, command(args, i));
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static List<String> command(String[] args, int from) {
            List<String> rest = new ArrayList<>(List.of(args).subList(Math.min(from, args.length), args.length));
            return rest.isEmpty() ? List.of("/bin/sh", "-c", "echo hello from the sandbox; cat /proc/net/dev") : rest;
        }
    }

    public static void main(String[] args) {
        Examples.run("sandbox", () -> {
            Options o = Options.parse(args);
            Path rootfs = o.rootfs().isPresent() ? o.rootfs().get() : Examples.rootfs(new String[0], 0);
            ContainerSpec spec = ContainerSpec.builder()
                    .rootfs(rootfs)                    // mount, pid, uts, ipc and net namespaces: only lo, no route out
                    .hostname("sandbox")
                    .command(o.command())
                    .resources(Resources.builder().memoryMax(o.memory()).swapMax(DataSize.ofBytes(0)).pidsMax(64).build())
                    .stdin(Stdio.discard())
                    .stdout(Stdio.pipe())
                    .stderr(Stdio.pipe())
                    .readOnlyRoot(true)                // the image cannot be changed...
                    .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(16)))   // ...scratch space can
                    .capabilities(Set.of())            // no capability at all; no_new_privs and the default
                                                       // seccomp filter are on by default
                    .build();
            return judge(spec, o.timeout());
        });
    }

    private static int judge(ContainerSpec spec, Duration timeout) throws InterruptedException {
        try (Container c = Launcher.launch(spec)) {
            CompletableFuture<String> out = capture(c.stdout());
            CompletableFuture<String> err = capture(c.stderr());
            Optional<ExitStatus> finished = c.waitFor(timeout);
            if (finished.isEmpty()) {
                c.killAll();                      // every process of the container, not only the first
            }
            ExitStatus status = finished.isPresent() ? finished.get() : c.waitFor();
            String verdict = finished.isEmpty() ? "TIMEOUT"
                    : status.oomKilled() ? "OOM"
                    : status.exited() && status.code() == 0 ? "OK"
                    : status.exited() ? "RUNTIME ERROR (exit " + status.code() + ")"
                    : "RUNTIME ERROR (" + status + ")";
            System.out.println("--- stdout\n" + clip(out.join()) + "--- stderr\n" + clip(err.join()) + "---");
            System.out.println("status: " + status);
            System.out.println("verdict: " + verdict);
            return verdict.equals("OK") ? 0 : 1;
        }
    }

    private static CompletableFuture<String> capture(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name("capture").start(task));
    }

    private static String clip(String s) {
        String shown = s.length() > OUTPUT_SHOWN ? s.substring(0, OUTPUT_SHOWN) + "\n[... " + (s.length() - OUTPUT_SHOWN)
                + " more characters]\n" : s;
        return shown.isEmpty() || shown.endsWith("\n") ? shown : shown + "\n";
    }
}
