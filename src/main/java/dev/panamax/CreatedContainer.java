package dev.panamax;

/**
 * A container created by {@link Launcher#create}: its setup is done and its process waits before its exec,
 * in an address space of its own (a few pages, none of the JVM's), with no parent-death signal. It is a
 * {@link Container} of this JVM (its parent): {@link #waitFor()} and {@link #onExit()} report its exit, and
 * {@link #close()} kills it, started or not, and removes its start FIFO. Started from this JVM with
 * {@link #start()}, or from any process with {@link Launcher#start} and its {@link #startRecord()}.
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
     * What another process needs to start this container: see {@link StartRecord}.
     *
     * @return its pid, start time and start FIFO
     */
    StartRecord startRecord();

    /**
     * Starts the container: {@link Launcher#start} with this container's record.
     *
     * @throws IllegalStateException if it was started before (from any process), or has ended
     */
    void start();
}
