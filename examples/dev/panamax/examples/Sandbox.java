package dev.panamax.examples;

import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.RunOptions;
import dev.panamax.RunResult;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Mount;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs an untrusted command the way an online judge does, with {@link Launcher#run}: no network (a net
 * namespace with only {@code lo}), a memory and a process limit, a wall-clock timeout, captured output (2,000
 * bytes shown per stream), and a verdict: {@code OK}, {@code TIMEOUT}, {@code OOM}, {@code OUTPUT LIMIT} or
 * {@code RUNTIME ERROR (exit 3)}.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@sandbox -Dargs="--timeout 2 -- sh -c 'echo hi; sleep 5'"
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes dev.panamax.examples.Sandbox \
 *     [--rootfs DIR] [--timeout SECONDS] [--memory MB] [--] COMMAND...
 * </pre>
 *
 * <p>Exits 0 for OK, 2 for any other verdict (the pom's {@code exec:exec@sandbox} counts both as success: a
 * verdict is the example's result, not a failed build), 1 when the command could not be run at all.
 */
public final class Sandbox {
    private static final DataSize SHOWN = DataSize.ofBytes(2000);

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
                    .readOnlyRoot(true)                // the image cannot be changed...
                    .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(16)))   // ...scratch space can
                    .capabilities(Set.of())            // no capability at all; no_new_privs and the default
                    .build();                          // seccomp filter are on by default
            RunResult r = Launcher.run(spec, RunOptions.builder().timeout(o.timeout()).outputLimit(SHOWN).build());
            String verdict = switch (r.ending()) {
                case TIMED_OUT -> "TIMEOUT";
                case OOM_KILLED -> "OOM";
                case OUTPUT_LIMIT -> "OUTPUT LIMIT";
                case SIGNALLED -> "RUNTIME ERROR (" + r.status() + ")";
                case EXITED -> r.status().code() == 0 ? "OK" : "RUNTIME ERROR (exit " + r.status().code() + ")";
            };
            System.out.print("--- stdout\n" + shown(r.stdout()) + "--- stderr\n" + shown(r.stderr()) + "---\n");
            System.out.printf("status: %s; wall %d ms, cpu %d ms (%s), peak memory %s%n", r.status(),
                    r.wallTime().toMillis(), r.cpuTime().toMillis(), r.cpuAccounting(), DataSize.ofBytes(r.memoryPeak()));
            System.out.println("verdict: " + verdict);
            return verdict.equals("OK") ? 0 : 2;
        });
    }

    private static String shown(RunResult.Output out) {
        String text = out.text() + (out.truncated() ? "\n[... " + out.dropped() + " more bytes]" : "");
        return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    }
}
