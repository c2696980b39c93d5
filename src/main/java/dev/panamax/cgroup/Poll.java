package dev.panamax.cgroup;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for cgroup state that the kernel changes asynchronously. */
final class Poll {

    private Poll() {
    }

    /** Waits until {@code done}, sleeping from 1 ms up to 20 ms between tries; throws {@code failure} at the deadline. */
    static void until(BooleanSupplier done, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleepMillis = 1;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new CgroupException(failure.get());
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CgroupException("interrupted while waiting: " + failure.get(), e);
            }
            sleepMillis = Math.min(20, sleepMillis * 2);
        }
    }
}
