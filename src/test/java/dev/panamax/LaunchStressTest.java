package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bounded stress: 2,000 launches while three threads allocate hard and call System.gc(), taking each path
 * of the protocol in turn (a direct clone; a vfork child with a cgroup, cloned by the cloner thread; an init
 * in the setup executable). Zero hangs (each launch-to-exit under a timeout), every exit code right, zero
 * leaked descriptors, zero zombies, no cgroup left.
 */
@Tag("kernel")
class LaunchStressTest extends BusyboxTest {
    private static final int LAUNCHES = Integer.getInteger("panamax.stress.launches", 2_000);

    @Test
    void launchesUnderGcPressureNeverHangOrLeak() throws Exception {
        ContainerSpec[] specs = eachPath("stress");
        for (ContainerSpec spec : specs) {
            try (Container warmUp = Launcher.launch(spec)) { // once-per-JVM things: the reaper's pipe, threads
                warmUp.waitFor();
            }
        }
        Leaks before = Leaks.snapshot();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> churn = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            churn.add(Thread.ofPlatform().daemon().start(() -> {
                List<byte[]> keep = new ArrayList<>();
                while (!stop.get()) {
                    keep.add(new byte[64 * 1024]);
                    if (keep.size() > 500) {
                        keep.clear();
                        System.gc();
                        // leave the launches some of the two cores: pressure, not starvation
                        LockSupport.parkNanos(200_000_000);
                    }
                }
            }));
        }
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < LAUNCHES; i++) {
                ContainerSpec spec = specs[i % specs.length];
                int code = CompletableFuture.supplyAsync(() -> {
                    try (Container c = Launcher.launch(spec)) {
                        return c.waitFor().code();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, caller).get(20, TimeUnit.SECONDS); // a hang fails here with a TimeoutException
                assertEquals(0, code, "launch " + i);
            }
        } finally {
            stop.set(true);
            for (Thread t : churn) {
                t.join();
            }
            caller.shutdownNow();
        }
        before.assertNothingNewIn(Leaks.snapshot());
        assertEquals(List.of(), ChildJvm.containerCgroupsLeftHere(), "no cgroup left");
    }

    /**
     * Launches from four threads at once, each path of the protocol: the launcher threads overlap them (more
     * than one launch in flight), every exit code is right, and nothing is left: no descriptor, no zombie, no
     * cgroup. The same specs again from one thread first warm every pool thread's once-only state.
     */
    @Test
    void launchesFromSeveralThreadsOverlapAndLeaveNothing() throws Exception {
        ContainerSpec[] specs = eachPath("par");
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            runAll(callers, specs, 24); // every launcher and cloner thread exists after this
            Leaks before = Leaks.snapshot();
            int[] inFlight = new int[2]; // now, most
            List<CompletableFuture<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                ContainerSpec spec = specs[i % specs.length];
                codes.add(CompletableFuture.supplyAsync(() -> {
                    synchronized (inFlight) {
                        inFlight[1] = Math.max(inFlight[1], ++inFlight[0]);
                    }
                    try (Container c = Launcher.launch(spec)) {
                        synchronized (inFlight) {
                            inFlight[0]--;
                        }
                        return c.waitFor().code();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, callers));
            }
            for (int i = 0; i < codes.size(); i++) {
                assertEquals(0, codes.get(i).get(60, TimeUnit.SECONDS), "launch " + i);
            }
            before.assertNothingNewIn(Leaks.snapshot());
            assertEquals(List.of(), ChildJvm.containerCgroupsLeftHere(), "no cgroup left");
            org.junit.jupiter.api.Assertions.assertTrue(inFlight[1] > 1, "launches overlapped: " + inFlight[1]);
        } finally {
            callers.shutdownNow();
        }
    }

    private static void runAll(ExecutorService callers, ContainerSpec[] specs, int n) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ContainerSpec spec = specs[i % specs.length];
            all.add(CompletableFuture.runAsync(() -> {
                try (Container c = Launcher.launch(spec)) {
                    c.waitFor();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, callers));
        }
        for (CompletableFuture<Void> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    /** {@code true} by each path of the protocol: a direct clone, a vfork child with a cgroup, an init. */
    private static ContainerSpec[] eachPath(String hostname) {
        ContainerSpec plain = ContainerSpec.builder().rootfs(root.path()).hostname(hostname).command("true").build();
        return new ContainerSpec[] {plain,
                plain.toBuilder().resources(dev.panamax.cgroup.Resources.builder().pidsMax(16).build()).build(),
                plain.toBuilder().init(true).build()};
    }
}
