package dev.panamax.launch;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one platform thread that clones every container, for the life of the JVM.
 *
 * <p>Why one thread: {@code PR_SET_PDEATHSIG} fires when the <em>thread</em> that created the child
 * exits, not the process. A container cloned from a short-lived thread, or from a virtual thread's
 * carrier, would be killed when that thread ended. This thread never ends, so die-with-parent means
 * "dies with the JVM".
 */
final class LauncherThread {
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "panamax-launcher");
        t.setDaemon(true);
        return t;
    });

    private LauncherThread() {
    }

    /**
     * Runs {@code task} on the launcher thread and waits for it, uninterruptibly: once a launch has begun
     * it must finish (or be undone) before the caller moves on, or a container could be left behind.
     */
    static <T> T call(Callable<T> task) {
        Future<T> future = EXECUTOR.submit(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
