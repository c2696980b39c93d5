package dev.panamax;

import dev.panamax.cgroup.CgroupStats;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A launched container: the handle to its first process, shaped like {@link Process}.
 *
 * <p>Waiting and signalling go through a pidfd, so they can never hit a recycled pid. {@link #close()}
 * kills the container (if it still runs), reaps it and frees everything the launch created.
 *
 * <pre>{@code
 * try (Container c = Launcher.launch(spec)) {
 *     c.onExit().thenAccept(s -> System.out.println("container " + s));
 *     if (c.waitFor(Duration.ofSeconds(5)).isEmpty()) {
 *         c.destroy();                       // SIGTERM (or the image's StopSignal); destroyForcibly() sends SIGKILL
 *     }
 * }
 * }</pre>
 */
public interface Container extends AutoCloseable {

    /**
     * The pid of the container's first process, as the host sees it: the command, or with
     * {@link ContainerSpec.Builder#init(boolean) the init} the init (the command is its child).
     *
     * @return the pid in the JVM's pid namespace
     */
    long pid();

    /**
     * Blocks until the process ends. With the init, the status is the command's own (reported by the init
     * before it exits), unless the init itself was killed.
     *
     * @return how the process ended
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    ExitStatus waitFor() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the process to end.
     *
     * @param timeout the longest wait
     * @return how the process ended, or empty if it still runs
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException;

    /** {@return a future that completes when the process ends} One reaper thread serves every container. */
    CompletableFuture<ExitStatus> onExit();

    /** {@return true until the process has ended} */
    boolean isAlive();

    /**
     * The exit value without waiting, as {@link Process#exitValue()}: the exit code, or 128 + the signal that
     * ended the process ({@link ExitStatus#shellCode()}). {@code waitFor(Duration.ZERO)} gives the whole
     * {@link ExitStatus} without waiting, empty while the process runs.
     *
     * @return the exit value
     * @throws IllegalThreadStateException while the process still runs
     */
    int exitValue();

    /**
     * The JDK's handle of the container's first process ({@link #pid()}), for {@link ProcessHandle#info()},
     * {@link ProcessHandle#children()} and the like. The first call made while the process has not been
     * reaped makes it and every later call returns it (it then tells the end apart from a reused pid, as
     * any {@link ProcessHandle} does); a first call after the end finds nothing, since the pid may by then
     * belong to another process.
     *
     * @return the handle, or empty when the process had already ended at the first call
     */
    Optional<ProcessHandle> toHandle();

    /**
     * The processes the container's first process started, and theirs, as the JDK lists them
     * ({@link ProcessHandle#descendants()}: a snapshot, with host pids).
     *
     * @return the descendants now, or an empty stream once the process has ended
     */
    default java.util.stream.Stream<ProcessHandle> descendants() {
        return toHandle().filter(ProcessHandle::isAlive).map(ProcessHandle::descendants)
                .orElseGet(java.util.stream.Stream::empty);
    }

    /**
     * Sends {@code signal} through the pidfd; a no-op once the process has ended.
     *
     * @param signal a signal number, such as 15 for SIGTERM
     */
    void kill(int signal);

    /**
     * Asks the process to stop: SIGTERM, or the spec's {@link ProcessSpec#stopSignal()} (an image's
     * {@code StopSignal}) for a container a launch returned.
     */
    default void destroy() {
        kill(ProcessSpec.SIGTERM);
    }

    /** SIGKILL. */
    default void destroyForcibly() {
        kill(9);
    }

    /** {@return the write end of the container's stdin when it is {@link Stdio#pipe()}; otherwise a closed stream} */
    OutputStream stdin();

    /** {@return the read end of the container's stdout when it is {@link Stdio#pipe()}; otherwise an empty stream} */
    InputStream stdout();

    /** {@return the read end of the container's stderr when it is {@link Stdio#pipe()}; otherwise an empty stream} */
    InputStream stderr();

    /**
     * The master side of the container's pseudo-terminal.
     *
     * @return the terminal
     * @throws IllegalStateException when no standard stream of the spec is {@link Stdio#terminal()}
     */
    Terminal terminal();

    /**
     * Usage counters of the container's cgroup (memory, cpu, pids, io).
     *
     * @return the counters now
     * @throws IllegalStateException when the spec set no {@code resources}, so there is no cgroup
     */
    CgroupStats stats();

    /** Freezes every process of the container (cgroup freezer); requires {@code resources}. */
    void freeze();

    /** Thaws a frozen container; requires {@code resources}. */
    void thaw();

    /**
     * Kills every process of the container, also those that left its process group or session
     * (cgroup.kill, or freeze-and-kill on cgroup v1). Without a cgroup, SIGKILL to the first process, which
     * takes its whole pid namespace with it when it has one.
     */
    void killAll();

    /**
     * Runs another process in the running container, like {@code docker exec}: it joins every namespace of
     * the container through its pidfd (a recycled pid is never joined), its cgroup and its root, and gets
     * the container's user, capabilities, no_new_privs, seccomp filter and rlimits; {@code process} gives
     * the command, environment, working directory and standard streams ({@link Stdio#pipe()} streams or a
     * {@link Stdio#terminal() terminal}; its {@code init} and {@code dieWithParent} are ignored: the exec
     * always dies with the JVM). The handle's {@link #pid()} is a relay outside the container's PID namespace
     * that forwards signals to the command and ends with its status; {@link #killAll()} and
     * {@link #close()} of the exec's handle end the exec only, never the container.
     *
     * @param process the process to run in the container
     * @return the exec's handle
     * @throws LaunchException when the container has exited ({@code errnoName()} ESRCH) or a step fails
     */
    default Container exec(ProcessSpec process) {
        return exec(process, Optional.empty(), java.util.Set.of());
    }

    /**
     * As {@link #exec(ProcessSpec)}, as another user and with fewer capabilities: never more than the
     * container has (the dropped ones leave its bounding, permitted, effective and ambient sets).
     *
     * @param process          the process to run in the container
     * @param user             the exec's uid, gid and groups (mapped in the container's user namespace, if
     *                         any); empty: the container's
     * @param dropCapabilities capabilities of the container's that the exec does not get
     * @return the exec's handle
     * @throws LaunchException when the container has exited ({@code errnoName()} ESRCH) or a step fails
     * @throws dev.panamax.spec.InvalidSpecException when {@code user} is not mapped in the container's user
     *                                               namespace
     */
    Container exec(ProcessSpec process, Optional<ProcessIdentity> user, java.util.Set<Capability> dropCapabilities);

    /**
     * The container's own addresses on its network: with a bridge network its IPv4 address and, when the
     * network has IPv6, its IPv6 address (leased for the container's life); empty otherwise (loopback only, the
     * host's network, a joined namespace, user mode, an exec).
     *
     * <pre>{@code
     * InetAddress web = container.addresses().getFirst();     // e.g. 10.89.0.2
     * }</pre>
     *
     * @return the addresses, IPv4 first
     */
    default java.util.List<java.net.InetAddress> addresses() {
        return java.util.List.of();
    }

    /** Kills the container if it still runs, reaps it, closes its streams and frees what the launch made. */
    @Override
    void close();
}
