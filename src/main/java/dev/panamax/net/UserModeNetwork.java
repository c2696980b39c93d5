package dev.panamax.net;

import dev.panamax.spec.InvalidSpecException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Rootless user-mode networking for a container's network namespace: {@code pasta} (Debian {@code passt},
 * podman's default) or, when pasta is not installed, {@code slirp4netns}. The helper gives the namespace an
 * interface with an address, a default route and a DNS forwarder, publishes host ports into it, and lives no
 * longer than the container or the launching JVM.
 *
 * <pre>{@code
 * try (UserModeNetwork net = UserModeNetwork.start(container.pid(),
 *         List.of(UserModeNetwork.Port.tcp(8080, 80)), runtimeDir)) {
 *     net.closeOnExit(container.onExit());
 *     ...
 * }
 * }</pre>
 *
 * <p>What runs: {@code pasta --foreground --quiet --config-net --dns-forward 169.254.1.1 --pid FILE -t ... -u ...
 * -T none -U none PID} (as root also {@code --runas 0}: pasta would drop to {@code nobody}, who cannot open a
 * root-owned container's namespaces), under a small {@code sh} watchdog whose standard input is a pipe from this
 * JVM: when the pipe closes ({@link #close()}, or the JVM dies, even by SIGKILL) the watchdog kills pasta.
 * pasta maps the gateway address to the host's loopback. slirp4netns runs as {@code slirp4netns --configure
 * --mtu=65520 --disable-host-loopback --exit-fd=0 --ready-fd=3 [--api-socket SOCK] PID tap0}: it exits itself
 * when that pipe closes.
 */
public final class UserModeNetwork implements AutoCloseable {
    /** The address pasta answers DNS on inside the container (forwarded to the host's first resolver). */
    public static final String PASTA_DNS = "169.254.1.1";
    /** The address slirp4netns answers DNS on inside the container. */
    public static final String SLIRP4NETNS_DNS = "10.0.2.3";

    /** How long a helper may take to configure the namespace. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #close()} waits for the helper before killing it. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Path TUN = Path.of("/dev/net/tun");

    /** The user-mode network helpers, in order of preference. */
    public enum Tool {
        /** {@code pasta} from Debian's {@code passt}. */
        PASTA("pasta", "passt"),
        /** {@code slirp4netns}. */
        SLIRP4NETNS("slirp4netns", "slirp4netns");

        private final String command;
        private final String debianPackage;

        Tool(String command, String debianPackage) {
            this.command = command;
            this.debianPackage = debianPackage;
        }

        /**
         * The command's name, looked up in PATH.
         *
         * @return {@code pasta} or {@code slirp4netns}
         */
        public String command() {
            return command;
        }

        /**
         * The preferred helper installed in this process's PATH: pasta, else slirp4netns.
         *
         * @return the helper to use
         * @throws UserModeNetworkException if neither is installed
         */
        public static Tool installed() {
            return choose(Optional.ofNullable(System.getenv("PATH")).orElse(""));
        }

        /** The first tool with an executable in one of {@code path}'s directories. */
        static Tool choose(String path) {
            for (Tool t : values()) {
                if (find(t, path).isPresent()) {
                    return t;
                }
            }
            throw new UserModeNetworkException("neither pasta nor slirp4netns is installed (apt-get install passt);"
                    + " rootless networking needs one of them in PATH");
        }

        /** This tool's executable in one of {@code path}'s directories. */
        static Optional<Path> find(Tool t, String path) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, t.command))) {
                    return Optional.of(Path.of(dir, t.command));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A published port: connections to {@code hostAddress:hostPort} on the host reach {@code containerPort} in
     * the container.
     *
     * @param protocol      {@code tcp} or {@code udp}
     * @param hostAddress   the host address to bind, or {@code null} for all (slirp4netns: IPv4 only)
     * @param hostPort      1-65535
     * @param containerPort 1-65535
     */
    public record Port(String protocol, InetAddress hostAddress, int hostPort, int containerPort) {
        /**
         * Checks the fields.
         *
         * @throws InvalidSpecException naming the field that is out of range
         */
        public Port {
            if (!Set.of("tcp", "udp").contains(protocol)) {
                throw new InvalidSpecException("port.protocol", "must be tcp or udp, not " + protocol);
            }
            checkPort("port.hostPort", hostPort);
            checkPort("port.containerPort", containerPort);
        }

        /**
         * A TCP port on all host addresses.
         *
         * @param hostPort      the host's port
         * @param containerPort the container's port
         * @return the mapping
         */
        public static Port tcp(int hostPort, int containerPort) {
            return new Port("tcp", null, hostPort, containerPort);
        }

        /**
         * A UDP port on all host addresses.
         *
         * @param hostPort      the host's port
         * @param containerPort the container's port
         * @return the mapping
         */
        public static Port udp(int hostPort, int containerPort) {
            return new Port("udp", null, hostPort, containerPort);
        }

        private static void checkPort(String field, int port) {
            if (port < 1 || port > 65535) {
                throw new InvalidSpecException(field, "must be 1-65535, not " + port);
            }
        }

        /** pasta's spec for this port: {@code [ADDR/]HOST:CONTAINER}. */
        String pastaSpec() {
            return (hostAddress == null ? "" : hostAddress.getHostAddress() + "/") + hostPort + ":" + containerPort;
        }
    }

    private final Tool tool;
    private final Process process;
    private final long pid;
    private final List<Path> files;
    private boolean closed;

    private UserModeNetwork(Tool tool, Process process, long pid, List<Path> files) {
        this.tool = tool;
        this.process = process;
        this.pid = pid;
        this.files = files;
    }

    /**
     * Starts the installed helper ({@link Tool#installed()}) for the network namespace of {@code containerPid}
     * and returns once the namespace is configured.
     *
     * @param containerPid a process in the container's network (and, rootless, user) namespace
     * @param ports        ports to publish
     * @param runtimeDir   an existing directory for the helper's files (pid file, log, API socket)
     * @return the running helper
     * @throws UserModeNetworkException naming the tool, its exit status and its error output if it failed
     * @throws InvalidSpecException     if a port cannot be published with the chosen tool
     */
    public static UserModeNetwork start(long containerPid, List<Port> ports, Path runtimeDir) {
        return start(containerPid, ports, runtimeDir, Tool.installed(), List.of());
    }

    /**
     * Starts {@code tool} for the network namespace of {@code containerPid}, its command line prefixed by
     * {@code commandPrefix}, and returns once the namespace is configured.
     *
     * @param containerPid  a process in the container's network (and, rootless, user) namespace
     * @param ports         ports to publish
     * @param runtimeDir    an existing directory for the helper's files (pid file, log, API socket)
     * @param tool          the helper to run
     * @param commandPrefix a wrapper the tool's command line is appended to, which must exec it (tests use one
     *                      that bind-mounts a usable tun node in a private mount namespace); empty for none
     * @return the running helper
     * @throws UserModeNetworkException naming the tool, its exit status and its error output if it failed, or
     *                                  why /dev/net/tun cannot be used
     * @throws InvalidSpecException     if a port cannot be published with {@code tool}
     */
    public static UserModeNetwork start(long containerPid, List<Port> ports, Path runtimeDir, Tool tool,
                                        List<String> commandPrefix) {
        List<Port> published = List.copyOf(ports);
        List<String> prefix = List.copyOf(commandPrefix);
        if (containerPid <= 0) {
            throw new IllegalArgumentException("containerPid must be positive, not " + containerPid);
        }
        if (!Files.isDirectory(runtimeDir)) {
            throw new UserModeNetworkException(tool.command + ": the runtime directory " + runtimeDir
                    + " does not exist or is not accessible");
        }
        boolean root = euid() == 0;
        if (prefix.isEmpty() && !root) {
            checkTun(TUN);
        }
        Path exe = Tool.find(tool, Optional.ofNullable(System.getenv("PATH")).orElse("")).orElseThrow(
                () -> new UserModeNetworkException(tool.command + " is not installed (apt-get install "
                        + tool.debianPackage + ")"));
        return switch (tool) {
            case PASTA -> Pasta.start(exe, containerPid, published, runtimeDir, prefix, root);
            case SLIRP4NETNS -> Slirp4netns.start(exe, containerPid, published, runtimeDir, prefix);
        };
    }

    /** Starts {@code command} with a pipe on standard input and both outputs to {@code log}. */
    static Process spawn(Tool tool, List<String> command, Path log) {
        try {
            return new ProcessBuilder(command).redirectOutput(log.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UserModeNetworkException("cannot run " + tool.command + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until {@code readyFile} has content (pasta: its pid; slirp4netns: "1"), or the process ended or the
     * timeout passed (both a failure naming the tool's output).
     *
     * @return the pid read from the file when {@code pidInFile}, else the process's pid
     */
    static long awaitReady(Tool tool, Process p, long containerPid, Path readyFile, Path log, boolean pidInFile) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (true) {
                String content = Files.exists(readyFile) ? Files.readString(readyFile).strip() : "";
                if (!content.isEmpty() && (!pidInFile || content.chars().allMatch(Character::isDigit))) {
                    return pidInFile ? Long.parseLong(content) : p.pid();
                }
                if (p.waitFor(5, TimeUnit.MILLISECONDS)) {
                    throw new UserModeNetworkException(tool.command + " for the container with pid " + containerPid
                            + " failed (exit status " + p.exitValue() + "): " + output(log));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new UserModeNetworkException(tool.command + " did not configure the network of the"
                            + " container with pid " + containerPid + " within " + READY_TIMEOUT.toSeconds() + " s: "
                            + output(log));
                }
            }
        } catch (IOException e) {
            throw new UserModeNetworkException("cannot read " + readyFile + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserModeNetworkException("interrupted while waiting for " + tool.command, e);
        }
    }

    /** The tool's output so far, or a note that there is none. */
    static String output(Path log) {
        try {
            String s = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
            return s.isEmpty() ? "no error output" : s.replace('\n', ' ');
        } catch (IOException e) {
            return "its output " + log + " is unreadable: " + e.getMessage();
        }
    }

    /**
     * Refuses a tun device this unprivileged process cannot open, naming its mode and the remedy.
     *
     * @throws UserModeNetworkException if {@code tun} is missing or not readable and writable
     */
    static void checkTun(Path tun) {
        if (!Files.exists(tun)) {
            throw new UserModeNetworkException(tun + " does not exist: load the tun module (modprobe tun) or create"
                    + " the node (mknod -m 666 " + tun + " c 10 200)");
        }
        if (!Files.isReadable(tun) || !Files.isWritable(tun)) {
            String mode;
            try {
                mode = String.format("%04o owned by uid %d", (int) Files.getAttribute(tun, "unix:mode") & 07777,
                        (int) Files.getAttribute(tun, "unix:uid"));
            } catch (IOException e) {
                mode = "of unknown mode (" + e.getMessage() + ")";
            }
            throw new UserModeNetworkException(tun + " is mode " + mode + ": an unprivileged user cannot open it,"
                    + " so pasta and slirp4netns cannot create the container's interface; make it 0666 as usual"
                    + " distributions do (as root: chmod 0666 " + tun + ")");
        }
    }

    private static int euid() {
        try {
            return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the owner of /proc/self", e);
        }
    }

    /** Ends {@code p} through its pipe, then by force; also {@code toolPid} when it is not {@code p}. */
    static void stop(Process p, long toolPid) {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the watchdog is gone already
        }
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                if (toolPid > 0 && toolPid != p.pid()) {
                    ProcessHandle.of(toolPid).ifPresent(ProcessHandle::destroyForcibly);
                }
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void delete(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // best effort: a file the tool made unremovable is not worth a failed close
            }
        }
    }

    /** Whether slirp4netns can publish {@code p}: IPv4 host addresses only. */
    static boolean ipv4(Port p) {
        return p.hostAddress() == null || p.hostAddress() instanceof Inet4Address;
    }

    /** Wraps an already running helper (used by {@link Slirp4netns}). */
    static UserModeNetwork of(Tool tool, Process process, long pid, List<Path> files) {
        return new UserModeNetwork(tool, process, pid, files);
    }

    /**
     * The helper that runs.
     *
     * @return pasta or slirp4netns
     */
    public Tool tool() {
        return tool;
    }

    /**
     * The helper's process id (pasta's or slirp4netns's own, not its watchdog's).
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * Whether the helper still runs.
     *
     * @return true until it ended or was closed
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Closes this helper once {@code containerExit} completes (pasta does not end by itself when the
     * container's namespace has no process left: it holds the namespace). The close runs on a thread of its
     * own, not on the thread completing the future.
     *
     * @param containerExit the container's exit, e.g. {@code Container.onExit()}
     * @return this
     */
    public UserModeNetwork closeOnExit(CompletableFuture<?> containerExit) {
        containerExit.whenComplete((r, e) -> Thread.ofVirtual().name("panamax-net-close").start(this::close));
        return this;
    }

    /** Stops the helper (its pipe closes; after 5 s it is killed), waits for it and removes its files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process, pid);
        delete(files);
    }

    @Override
    public String toString() {
        return tool.command + "[pid=" + pid + "]";
    }
}
