package dev.panamax;

import dev.panamax.cgroup.Resources;

import java.util.List;

/**
 * A created or started container, controlled from any process (of a user allowed to), given its
 * {@link StartRecord}: what a runtime's short-lived commands ({@code state}, {@code pause}, {@code kill},
 * {@code delete}, ...) need after the creating JVM has exited or crashed. Nothing here needs that JVM; no
 * method keeps anything open between calls.
 *
 * <pre>{@code
 * ContainerControl c = Launcher.control(StartRecord.parse(saved));
 * c.freeze();
 * System.out.println(c.state() + " " + c.pids());     // PAUSED [4242, 4250]
 * c.destroy();                                        // nothing of it left
 * }</pre>
 *
 * <p>Identity: the container's process is the record's pid only while it has the record's start time; once
 * that process has ended the container is {@link State#STOPPED}, and a signal never reaches a process that
 * reused the pid.
 */
public interface ContainerControl {

    /** A container's state, as the OCI runtime spec names them (less "creating", which no other process sees). */
    enum State {
        /** Its process waits for the start (its start FIFO is there). */
        CREATED,
        /** Started, and not frozen. */
        RUNNING,
        /** Its cgroup is frozen (created or started). */
        PAUSED,
        /** Its process has ended (processes it left in its cgroup may still run until {@link #destroy()}). */
        STOPPED
    }

    /** {@return the record this control was made from} */
    StartRecord record();

    /**
     * The state now, decided from the process (the pid still has the recorded start time, and is not a
     * zombie), the cgroup's freezer, and the start FIFO (there until a start claims it), in that order.
     *
     * @return the state
     */
    State state();

    /**
     * Freezes every process of the container's cgroup; returns once the kernel reports them frozen.
     *
     * @throws IllegalStateException if the container has no cgroup, or its cgroup is gone
     */
    void freeze();

    /**
     * Lets a frozen container run again.
     *
     * @throws IllegalStateException if the container has no cgroup, or its cgroup is gone
     */
    void thaw();

    /**
     * The processes of the container now, from its cgroup's {@code cgroup.procs} (in this process's PID
     * namespace); for a container without a cgroup, its own process while it lives.
     *
     * @return the pids, empty when nothing of it runs
     */
    List<Long> pids();

    /**
     * Writes the limits {@code resources} sets into the container's cgroup; the others stay as they are.
     *
     * @param resources the new limits, without device rules
     * @throws IllegalStateException if the container has no cgroup, or its cgroup is gone
     * @throws IllegalArgumentException if {@code resources} has device rules
     * @throws dev.panamax.cgroup.CgroupException if the kernel refuses a value or the cgroup lacks a controller
     */
    void update(Resources resources);

    /**
     * Sends {@code signal} to the container's process through a pidfd opened while the process has the
     * recorded start time, so a recycled pid is never signalled.
     *
     * @param signal the signal number, such as 15
     * @return false if the process has ended (nothing was sent)
     * @throws IllegalArgumentException if the kernel refuses the signal number (EINVAL)
     */
    boolean signal(int signal);

    /**
     * Sends {@code signal} to every process of the container's cgroup (what {@code kill --all} does): SIGKILL
     * through {@code cgroup.kill} where there is one, otherwise the cgroup is frozen (unless it was), each pid
     * signalled, and thawed again. Without a cgroup: {@link #signal}.
     *
     * @param signal the signal number
     * @throws IllegalArgumentException if the kernel refuses the signal number (EINVAL)
     */
    void signalAll(int signal);

    /**
     * Removes the container, whatever its state: kills every process of its cgroup (or its process, without
     * one) and waits until they are gone, removes the cgroup (and the directories between it and the runtime's
     * parent that are then empty), and the start FIFO with its directory. Safe to call again, after the
     * container ended by itself, and after the creating JVM crashed.
     *
     * @throws dev.panamax.cgroup.CgroupException if a process or directory is still there after 10 s
     */
    void destroy();

    /**
     * Runs another process in the running container from this process (for an OCI runtime, a fresh JVM), as
     * {@link Container#exec(ProcessSpec)} does from the launching JVM: it checks the state (refused, as runc
     * refuses, unless {@link State#RUNNING}), opens the container's pidfd while the pid has the recorded start
     * time, joins every namespace of {@code containerSpec} through it, the container's cgroup and root, and
     * applies the container's hardening (rlimits, capabilities, no_new_privs, seccomp) with the replacements of
     * {@code options}. This JVM is the parent of the exec's relay: the handle's {@link Container#waitFor()}
     * reports the command's status. A terminal ({@link Stdio#terminal()}) is the handle's
     * {@link Container#terminal()}.
     *
     * @param containerSpec the container's spec, as it was created (for an OCI container, its bundle's
     *                      {@code config.json} read again): its namespaces, root and hardening
     * @param process       the command, environment, working directory and standard streams
     * @param options       the exec's user and hardening replacements, and whether it outlives this JVM
     * @return the exec's handle; its {@link Container#pid()} is the relay's
     * @throws IllegalStateException "cannot exec in a stopped container" (also "paused", "created")
     * @throws LaunchException if a step fails, or the container ended meanwhile ({@code errnoName()} ESRCH)
     */
    Container exec(ContainerSpec containerSpec, ProcessSpec process, ExecOptions options);
}
