package dev.panamax.cgroup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Container cgroups made ahead, for {@link CgroupManager#createContainer(Resources)}: for each of the last
 * {@value #KINDS} distinct {@link Resources} launched with, up to {@value #SIZE} empty cgroups with those limits
 * (and device rules) already written, made on a daemon thread, so that a launch only joins one. They are named
 * like every container cgroup ({@code c<jvm pid>-<n>}): the sweep of {@link OrphanedCgroups} removes those of a
 * JVM that died, and {@link #close()} (at exit) the rest. Nothing ever ran in a ready cgroup, so its
 * accounting starts at zero like a new one's.
 */
final class CgroupPool {
    static final int SIZE = 2;
    static final int KINDS = 4;
    private static final System.Logger LOG = System.getLogger(CgroupPool.class.getName());

    private final Function<Resources, Cgroup> maker;
    /** Ready cgroups by resources, the least recently launched first. */
    /** Ready cgroups by resources, the kind launched last at the end (take() moves it there; fill() does not). */
    private final LinkedHashMap<Resources, Deque<Cgroup>> ready = new LinkedHashMap<>();
    private final Set<Resources> filling = new HashSet<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "panamax-cgroup-pool");
        t.setDaemon(true);
        return t;
    });
    private boolean closed;
    /** Set while {@link #drain} runs: a cgroup being made then is removed, not kept. */
    private boolean draining;

    CgroupPool(Function<Resources, Cgroup> maker) {
        this.maker = maker;
    }

    /** A ready cgroup with {@code resources}, or null; either way more are made for them in the background. */
    Cgroup take(Resources resources) {
        List<Cgroup> evicted = new ArrayList<>();
        Cgroup taken;
        synchronized (this) {
            if (closed) {
                return null;
            }
            Deque<Cgroup> queue = ready.remove(resources);
            if (queue == null) {
                queue = new ArrayDeque<>();
            }
            ready.put(resources, queue); // the most recently launched kind
            taken = queue.pollFirst();
            for (Iterator<Map.Entry<Resources, Deque<Cgroup>>> it = ready.entrySet().iterator();
                 ready.size() > KINDS && it.hasNext(); ) {
                evicted.addAll(it.next().getValue());
                it.remove();
            }
            if (filling.add(resources)) {
                thread.execute(() -> fill(resources));
            }
            if (!evicted.isEmpty()) { // while not closed: the thread still takes tasks
                thread.execute(() -> evicted.forEach(CgroupPool::remove));
            }
        }
        return taken;
    }

    private void fill(Resources resources) {
        try {
            while (true) {
                synchronized (this) {
                    Deque<Cgroup> queue = ready.get(resources);
                    if (closed || draining || queue == null || queue.size() >= SIZE) {
                        return;
                    }
                }
                Cgroup made = maker.apply(resources);
                synchronized (this) {
                    Deque<Cgroup> queue = ready.get(resources);
                    if (!closed && !draining && queue != null) {
                        queue.addLast(made);
                        continue;
                    }
                }
                made.close(); // closed or no longer wanted meanwhile
                return;
            }
        } catch (RuntimeException e) {
            // the launch that makes one for itself reports what is wrong with these resources
            LOG.log(System.Logger.Level.DEBUG, "making a cgroup ahead failed", e);
        } finally {
            synchronized (this) {
                filling.remove(resources);
                notifyAll();
            }
        }
    }

    /** Removes every ready cgroup for good (at exit): {@link #drain}, and none is made after. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        drain();
        thread.shutdown();
    }

    /**
     * Removes every ready cgroup, after the one being made (up to 10 s); the next {@link #take} makes more.
     * The removal happens outside the pool's lock: launches taking cgroups meanwhile do not wait for it.
     */
    void drain() {
        List<Cgroup> gone = new ArrayList<>();
        synchronized (this) {
            draining = true;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!filling.isEmpty() && deadline - System.nanoTime() > 0) {
                try {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            ready.values().forEach(gone::addAll);
            ready.clear();
            draining = false;
        }
        gone.forEach(CgroupPool::remove);
    }

    private static void remove(Cgroup cgroup) {
        try {
            cgroup.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "removing ready cgroup " + cgroup.name() + " failed", e);
        }
    }
}
