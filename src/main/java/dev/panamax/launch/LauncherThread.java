package dev.panamax.launch;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The platform threads of every launch, for the life of the JVM: launcher threads run the parent's side of the
 * protocol, one launch each at a time; cloner threads make {@code CLONE_VFORK} children, and sleep in
 * {@code clone3} until each has exec'd or died (the launcher thread meanwhile writes its maps, puts it into its
 * cgroup and releases it). A container with an init is cloned by its launcher thread itself (no vfork). There
 * are {@link #THREADS} of each, so that launches from several threads overlap: one launch spends most of its
 * time waiting for its child, not on a CPU.
 *
 * <p>Why threads that never end: {@code PR_SET_PDEATHSIG} fires when the <em>thread</em> that created the
 * child exits, not the process. A container cloned from a short-lived thread, or from a virtual thread's
 * carrier, would be killed when that thread ended. These threads never end (a fixed pool's workers live as
 * long as the pool, and a task's failure stays in its {@code Future}), so die-with-parent means "dies with the
 * JVM".
 */
final class LauncherThread {
    /** Launches that can run at once: enough to keep the cores busy while children run their setup (4 to 16). */
    static final int THREADS = Math.clamp(2L * Runtime.getRuntime().availableProcessors(), 4, 16);

    private static final ExecutorService EXECUTOR = pool("panamax-launcher-");

    private static final ExecutorService CLONER = pool("panamax-cloner-");

    /** {@link #THREADS} platform daemon threads that never end (only tasks are submitted: no worker dies). */
    private static ExecutorService pool(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code clone} on the cloner thread; the result is clone3's (a pid or -errno), once it returned. */
    static Future<Long> onClonerThread(Callable<Long> clone) {
        return CLONER.submit(clone);
    }

    /** The result of {@code clone}, waited for uninterruptibly (the child may use the launch's memory until then). */
    static long await(Future<Long> clone) {
        return uninterruptibly(clone);
    }

    private LauncherThread() {
    }

    /**
     * Runs {@code task} on a launcher thread and waits for it, uninterruptibly: once a launch has begun
     * it must finish (or be undone) before the caller moves on, or a container could be left behind.
     */
    static <T> T call(Callable<T> task) {
        return uninterruptibly(EXECUTOR.submit(task));
    }

    /** {@code future}'s result, waited for whatever interrupts come (kept for later); its failure rethrown. */
    private static <T> T uninterruptibly(Future<T> future) {
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
