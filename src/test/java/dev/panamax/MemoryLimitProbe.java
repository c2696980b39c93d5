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

    /** The limits of the exec mode: containers whose {@code sleep} fits, filled to the limit by an exec'd hog. */
    static final long[] EXEC_LIMITS = {1 << 20, 4 << 20, 16 << 20};

    public static void main(String[] args) throws Exception {
        Path rootfs = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        if (args.length > 2 && args[2].equals("exec")) {
            boolean ok = execs(rootfs, rounds);
            System.out.println(ok ? "JVM survived" : "FAILED");
            System.exit(ok ? 0 : 1);
        }
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

    /**
     * Execs into containers at their memory limit: per limit a container running {@code sleep}, an exec'd shell
     * that doubles a string until the kernel kills it, then {@code rounds} execs of {@code true}. Each exec runs,
     * is killed (SIGKILL: the cgroup's OOM killer), or fails with a {@link LaunchException} that names the memory
     * limit or the container's end (the OOM killer may pick the container's process instead).
     */
    private static boolean execs(Path rootfs, int rounds) throws Exception {
        boolean ok = true;
        ProcessSpec hog = ContainerSpec.builder().command("sh", "-c", "x=0123456789; while :; do x=$x$x; done")
                .build().process();
        ProcessSpec trueCommand = ContainerSpec.builder().command("true").build().process();
        for (long limit : EXEC_LIMITS) {
            ContainerSpec spec = ContainerSpec.builder().rootfs(rootfs).command("sleep", "1000")
                    .resources(Resources.builder().memoryMax(DataSize.ofBytes(limit)).build()).build();
            int ran = 0;
            int killed = 0;
            int refused = 0;
            try (Container c = Launcher.launch(spec)) {
                for (int i = 0; i <= rounds; i++) {
                    try (Container e = c.exec(i == 0 ? hog : trueCommand)) {
                        ExitStatus s = e.waitFor(Duration.ofSeconds(60)).orElseThrow();
                        if (s.oomKilled() || s.signal() == 9) {
                            killed++;
                        } else if (i > 0 && s.exited() && s.code() == 0) {
                            ran++;
                        } else {
                            System.out.println("exec limit " + limit + ": unexpected status " + s);
                            ok = false;
                        }
                    } catch (LaunchException e) {
                        if (e.getMessage().contains("memoryMax") || e.getMessage().contains("has exited")) {
                            refused++;
                        } else {
                            System.out.println("exec limit " + limit + ": a failure that names neither the memory "
                                    + "limit nor the container's end: " + e);
                            ok = false;
                        }
                    }
                }
            } catch (LaunchException e) {
                System.out.println("exec limit " + limit + ": the container itself did not start: " + e);
                ok = false;
            }
            if (killed == 0) {
                System.out.println("exec limit " + limit + ": the hog was never killed: the limit did not apply");
                ok = false;
            }
            System.out.println("exec limit " + limit + " B: ran " + ran + ", killed " + killed + ", refused " + refused);
        }
        return ok;
    }
}
