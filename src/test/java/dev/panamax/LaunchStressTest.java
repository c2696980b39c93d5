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
        ContainerSpec plain = ContainerSpec.builder().rootfs(root.path()).hostname("stress").command("true").build();
        ContainerSpec[] specs = {plain,
                ContainerSpec.builder().rootfs(root.path()).hostname("stress").command("true")
                        .resources(dev.panamax.cgroup.Resources.builder().pidsMax(16).build()).build(),
                ContainerSpec.builder().rootfs(root.path()).hostname("stress").command("true").init(true).build()};
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
}
