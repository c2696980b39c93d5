package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link MemoryLimitTest} (a JVM the kernel might kill must not be the test's): launches
 * {@code true} {@code args[1]} times under each memory limit, from 1 byte up, and prints one line per limit.
 * Exits 0 when every launch either ran, or was reported OOM-killed by {@code waitFor()}, or failed with a
 * {@link LaunchException} naming the memory limit; 1 otherwise. If the kernel kills this JVM, it exits 137.
 */
public final class MemoryLimitProbe {
    private MemoryLimitProbe() {
    }

    static final long[] LIMITS = {1, 4096, 65536, 262144, 1 << 20};

    public static void main(String[] args) throws Exception {
        Path rootfs = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        boolean ok = true;
        for (long limit : LIMITS) {
            int ran = 0;
            int oomKilled = 0;
            int refused = 0;
            String example = "";
            for (int i = 0; i < rounds; i++) {
                ContainerSpec spec = ContainerSpec.builder().rootfs(rootfs).command("true")
                        .resources(Resources.builder().memoryMax(DataSize.ofBytes(limit)).build()).build();
                try (Container c = Launcher.launch(spec)) {
                    ExitStatus s = c.waitFor(Duration.ofSeconds(30)).orElseThrow();
                    if (s.oomKilled()) {
                        oomKilled++;
                    } else if (s.exited() && s.code() == 0) {
                        ran++;
                    } else {
                        System.out.println("limit " + limit + ": unexpected status " + s);
                        ok = false;
                    }
                } catch (LaunchException e) {
                    if (e.getMessage().contains("memoryMax")) {
                        refused++;
                        example = e.getMessage().replaceAll(".*(step \\d+)", "$1");
                    } else {
                        System.out.println("limit " + limit + ": a failure that does not name the memory limit: " + e);
                        ok = false;
                    }
                }
            }
            System.out.println("limit " + limit + " B: ran " + ran + ", OOM-killed " + oomKilled + ", refused " + refused
                    + (example.isEmpty() ? "" : "; e.g. " + example));
        }
        System.out.println(ok ? "JVM survived" : "FAILED");
        System.exit(ok ? 0 : 1);
    }
}
