package dev.panamax;

import dev.panamax.launch.LaunchService;

/**
 * Starts containers, and shows what a start would do.
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder().rootfs(rootfs).command("sh").build();
 * System.out.print(Launcher.plan(spec));          // the child's syscalls, one per line
 * try (Container c = Launcher.launch(spec)) {
 *     System.out.println(c.waitFor());
 * }
 * }</pre>
 *
 * <p>Launches are serialised on one long-lived platform thread (the "launcher"): the kernel ties
 * die-with-parent to the thread that cloned, so that thread must live as long as the JVM.
 */
public final class Launcher {
    private Launcher() {
    }

    /**
     * Launches the container and returns once its process has exec'd.
     *
     * @param spec what to launch
     * @return the running container; close it to free everything the launch made
     * @throws LaunchException if any step failed; nothing of the container is left. Also, before anything is
     *         made, when this JVM denies native access: the message names the flag to add
     */
    public static Container launch(ContainerSpec spec) {
        return LaunchService.launch(spec);
    }

    /**
     * Runs the container to its end, as judges, graders and code-execution services do: stdin from
     * {@code options} (empty by default), stdout and stderr captured up to their limits (a stderr merged
     * with {@link Stdio#mergeWithStdout()} stays merged; the spec's other stdio settings are replaced), the
     * wall-clock limit enforced by killing every process of the container. Nothing is left behind, also on
     * a timeout or an interrupt: the container's cgroup or PID namespace is killed, reaped and removed.
     *
     * <pre>{@code
     * RunResult r = Launcher.run(spec, RunOptions.builder().timeout(Duration.ofSeconds(2))
     *         .stdin("1 2\n".getBytes()).build());
     * System.out.println(r.ending() + " " + r.status() + " in " + r.wallTime() + ": " + r.stdout().text());
     * }</pre>
     *
     * @param spec    the container; it needs a PID namespace (the default) or {@code resources}, so that a
     *                kill reaches every one of its processes
     * @param options the limits and the input
     * @return how it ended, its output, its wall and CPU time and its peak memory
     * @throws dev.panamax.spec.InvalidSpecException for a spec with neither a PID namespace nor resources
     * @throws LaunchException if the launch failed; nothing of the container is left
     * @throws InterruptedException if interrupted while waiting; the container is killed and removed first
     */
    public static RunResult run(ContainerSpec spec, RunOptions options) throws InterruptedException {
        return LaunchService.run(spec, options);
    }

    /**
     * What the child will do, syscall by syscall, as strace-like text (descriptors shown symbolically), after
     * the line of the launcher's clone ({@code clone3}, or {@code clone} where clone3 is refused). Nothing is
     * launched.
     *
     * @param spec what a launch would start
     * @return the plan, one call per line
     * @throws IllegalCallerException when this JVM denies native access (the compiler reads the kernel's
     *         numbers from the bindings); the message names the flag to add
     */
    public static String plan(ContainerSpec spec) {
        return LaunchService.planText(spec);
    }

    /**
     * {@link #plan(ContainerSpec)} for a launch on {@code architecture}, from any machine: an arm64 plan on an
     * x86-64 one, or the reverse. A header comes first: the architecture, its seccomp audit arch, and the number
     * each system call of the plan has there. The seccomp filter is compiled for that architecture (its audit
     * arch, its numbers; rules for calls it does not have are left out and named). The clone line shows
     * {@code clone3} unless the architecture is this JVM's. Nothing is launched.
     *
     * <pre>{@code
     * System.out.print(Launcher.plan(spec, "aarch64"));   // # aarch64 (seccomp audit arch 0xc00000b7, ...
     * }</pre>
     *
     * @param spec         what a launch would start
     * @param architecture as {@code uname -m} or {@code os.arch} name it: {@code x86_64} (or {@code amd64}),
     *                     {@code aarch64} (or {@code arm64})
     * @return the header, then the plan, one call per line
     * @throws IllegalArgumentException for any other architecture
     * @throws IllegalCallerException when this JVM denies native access; the message names the flag to add
     */
    public static String plan(ContainerSpec spec, String architecture) {
        return LaunchService.planText(spec, architecture);
    }

    /**
     * Creates the container without starting it: the child runs its setup (namespaces, mounts, root, standard
     * streams, working directory) in the setup executable, leaving the JVM's address space, then waits before
     * its hardening, identity and exec steps for a byte on a start FIFO. Returned once it waits there. The
     * parent-death signal is off whatever the spec says: the container may outlive this JVM and be started by
     * another process ({@link #start}). Standard streams piped to this JVM end with it; a container started
     * after this JVM exits should use files, {@link Stdio#inherit()} or {@link Stdio#discard()}.
     *
     * <p>A spec with {@code resources} gets a cgroup (named {@code c<jvm pid>-<n>} under the runtime's parent,
     * for root {@code /panamax}, in every hierarchy of the host), made and joined before the child runs a setup
     * step. It outlives this JVM: only {@link CreatedContainer#close()} or {@link ContainerControl#destroy()}
     * removes it; a later JVM's sweep of dead JVMs' cgroups leaves it while it holds a process.
     *
     * @param spec what to create
     * @return the created container; close it to kill it (started or not), remove its start FIFO and its cgroup
     * @throws LaunchException if a setup step failed, or the cgroup could not be made; nothing of the container
     *         is left
     */
    public static CreatedContainer create(ContainerSpec spec) {
        return LaunchService.create(spec, CreateOptions.defaults());
    }

    /**
     * {@link #create(ContainerSpec)} with options: a cgroup at a path of the caller's choice (an OCI
     * {@code cgroupsPath}), placed below the runtime's parent as {@link dev.panamax.cgroup.CgroupPath#of} says;
     * the directories between are made as needed (and removed with the last container in them).
     *
     * @param spec    what to create
     * @param options where its cgroup goes
     * @return the created container; its {@link CreatedContainer#startRecord()} names the cgroup
     * @throws IllegalArgumentException if the cgroup path breaks a rule of {@link dev.panamax.cgroup.CgroupPath#of}
     * @throws LaunchException if a setup step failed, or the cgroup could not be made (it exists already, say);
     *         nothing of the container is left
     */
    public static CreatedContainer create(ContainerSpec spec, CreateOptions options) {
        return LaunchService.create(spec, options);
    }

    /**
     * Controls a created or started container from any process: its state, freezing, its processes, its
     * limits, signals and its removal. Nothing is checked or opened until a method is called.
     *
     * @param record the record from {@link CreatedContainer#startRecord()}, possibly read back with
     *               {@link StartRecord#parse}
     * @return the control
     */
    public static ContainerControl control(StartRecord record) {
        return LaunchService.control(record);
    }

    /**
     * Starts a created container, from any process of a user that may open its start FIFO for writing: it
     * checks that the pid still has the recorded start time, claims the FIFO by removing it (so only one start
     * wins), and writes the byte the container waits for. The container is not this process's child unless
     * this process created it: a starter can watch it end ({@link ProcessHandle#of}, or a pidfd polled for
     * readability) but only its parent (or a subreaper it was reparented to) can read its exit status.
     *
     * @param record the record from {@link CreatedContainer#startRecord()}, possibly read back with
     *               {@link StartRecord#parse}
     * @throws IllegalStateException if the container was already started or has ended; the message names the
     *         FIFO, the call and the errno
     */
    public static void start(StartRecord record) {
        LaunchService.start(record);
    }
}
