package dev.panamax;

/**
 * A container created by {@link Launcher#create}: its setup is done and its process waits before its exec,
 * in an address space of its own (a few pages, none of the JVM's), with no parent-death signal. It is a
 * {@link Container} of this JVM (its parent): {@link #waitFor()} and {@link #onExit()} report its exit, and
 * {@link #close()} kills it, started or not, and removes its start FIFO and its cgroup (if it has one). Started
 * from this JVM with {@link #start()}, or from any process with {@link Launcher#start} and its
 * {@link #startRecord()}; controlled from any process with {@link Launcher#control}. A JVM that exits without
 * closing it leaves it, its cgroup and its FIFO in place.
 *
 * <pre>{@code
 * try (CreatedContainer c = Launcher.create(spec)) {
 *     c.start();
 *     c.waitFor();
 * }
 * }</pre>
 */
public interface CreatedContainer extends Container {
    /**
     * What another process needs to start and control this container: see {@link StartRecord}.
     *
     * @return its pid, start time, start FIFO and cgroup
     */
    StartRecord startRecord();

    /**
     * Starts the container: {@link Launcher#start} with this container's record.
     *
     * @throws IllegalStateException if it was started before (from any process), or has ended
     */
    void start();
}
