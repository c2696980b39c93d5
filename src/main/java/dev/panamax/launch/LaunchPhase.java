package dev.panamax.launch;

/**
 * The parent's side of the launch protocol. The declaration order is the protocol order.
 */
enum LaunchPhase {
    /**
     * Pipes opened (and, with an init, the sealed setup executable written), program compiled and laid out,
     * clone3 ({@code CLONE_VM}) with every signal blocked: with {@code CLONE_VFORK} on the cloner thread,
     * which sleeps until the child's final exec (the child's first step says "H" on the hello pipe), or,
     * with an init, on the launcher thread.
     */
    CLONE,
    /**
     * With a user namespace: setgroups, uid_map, gid_map written while the child waits ({@link IdMapWriter}:
     * directly as root or for the caller's own id, else through newuidmap/newgidmap).
     */
    USER_MAPPINGS,
    /**
     * With an init: the child execs the setup executable, released once first if it waited for its maps; the
     * parent creates the cgroup meanwhile and waits for EOF on the close-on-exec exec pipe. From here on the
     * child shares no memory with the JVM.
     */
    SETUP_EXEC,
    /**
     * With resources: the cgroup is created and the child joins it before it runs a single step of setup (a
     * vfork child, which the OOM killer never picks, or one in the setup executable's own address space).
     */
    CGROUP,
    /**
     * With a bridge network ({@link NetworkSetup}): the veth pair made with its container end directly in the
     * child's network namespace, addresses, routes and published ports, the lease handed to the child.
     */
    NETWORK,
    /** One byte on the sync pipe: the child may go. */
    RELEASE,
    /** EOF on the error pipe (execve happened) or a failure record {step, errno}. */
    EXEC_OR_ERROR
}
