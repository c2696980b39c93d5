package dev.panamax;

import dev.panamax.spec.InvalidSpecException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The process a container runs: what {@link ProcessBuilder} would describe, minus inheritance by default.
 * Built through {@link ContainerSpec.Builder}; every rule is checked here, so a process spec cannot exist
 * invalid whichever way it is made.
 *
 * <pre>{@code
 * ProcessSpec p = spec.process();
 * p.argv();          // [sh, -c, echo hi]
 * p.environment();   // {PATH=/usr/local/sbin:...}
 * }</pre>
 *
 * @param argv             the command and its arguments; argv[0] without a slash is searched in the
 *                         container's PATH
 * @param environment      the complete environment (insertion order kept)
 * @param workingDirectory absolute path inside the container
 * @param stdin            where standard input comes from
 * @param stdout           where standard output goes
 * @param stderr           where standard error goes
 * @param dieWithParent    kill the container (SIGKILL) when the launching JVM dies
 * @param newSession       start the process in a session of its own ({@code setsid}), away from the JVM's
 *                         controlling terminal (on by default)
 * @param init             run a tiny init as pid 1 that starts the command, forwards signals to it, reaps
 *                         orphans and exits with the command's status (off by default)
 * @param argv0            the argv[0] the program gets instead of {@code argv[0]}, which then only names the
 *                         file to execute (like bubblewrap's {@code --argv0}); empty: {@code argv[0]}
 * @param keptFds          descriptors of the JVM the process gets open at other numbers (the only ones
 *                         besides 0, 1 and 2)
 * @param stopSignal       the signal {@link Container#destroy()} sends (1..64; {@value #SIGTERM} unless an
 *                         image's {@code StopSignal} says otherwise)
 */
public record ProcessSpec(List<String> argv, Map<String, String> environment, String workingDirectory,
                          Stdio stdin, Stdio stdout, Stdio stderr, boolean dieWithParent, boolean newSession,
                          boolean init, Optional<String> argv0, List<KeptFd> keptFds, int stopSignal) {

    /** SIGTERM, the default {@link #stopSignal()}. */
    public static final int SIGTERM = 15;

    /** The PATH a container gets unless the caller sets one. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Checks every rule of the process (argv, environment, working directory, stdio), and makes the paths of
     * {@link Stdio#file} and {@link Stdio#append} absolute (the launch opens them).
     *
     * @throws InvalidSpecException naming the field and the rule
     */
    public ProcessSpec {
        SpecRules.checkArgv(argv);
        argv = List.copyOf(argv);
        environment.forEach(SpecRules::checkEnv);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        SpecRules.checkWorkingDirectory(workingDirectory);
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        if (stdin instanceof Stdio.File f && f.append()) {
            throw new InvalidSpecException("stdin", "append applies to output streams only");
        }
        stdin = absolute(stdin);
        stdout = absolute(stdout);
        stderr = absolute(stderr);
        if (stdin instanceof Stdio.MergeWithStdout || stdout instanceof Stdio.MergeWithStdout) {
            throw new InvalidSpecException(stdin instanceof Stdio.MergeWithStdout ? "stdin" : "stdout",
                    "only stderr can be merged with stdout");
        }
        Objects.requireNonNull(argv0, "argv0");
        argv0.ifPresent(a -> SpecRules.checkArgv(List.of(a)));
        keptFds = List.copyOf(keptFds);
        Set<Integer> targets = new HashSet<>();
        for (KeptFd k : keptFds) {
            if (!targets.add(k.containerFd())) {
                throw new InvalidSpecException("keepFd", "container descriptor " + k.containerFd()
                        + " is kept twice");
            }
        }
        if (stopSignal < 1 || stopSignal > 64) {
            throw new InvalidSpecException("stopSignal", "not a signal number: " + stopSignal);
        }
    }

    /**
     * A process that {@link Container#destroy()} stops with SIGTERM: the constructor above without
     * {@code stopSignal}.
     *
     * @param argv             the command and its arguments
     * @param environment      the complete environment
     * @param workingDirectory absolute path inside the container
     * @param stdin            where standard input comes from
     * @param stdout           where standard output goes
     * @param stderr           where standard error goes
     * @param dieWithParent    kill the container when the launching JVM dies
     * @param newSession       start the process in a session of its own
     * @param init             run the tiny init as pid 1
     * @param argv0            the argv[0] the program gets, or empty
     * @param keptFds          descriptors of the JVM the process gets open
     * @throws InvalidSpecException naming the field and the rule
     */
    public ProcessSpec(List<String> argv, Map<String, String> environment, String workingDirectory, Stdio stdin,
                       Stdio stdout, Stdio stderr, boolean dieWithParent, boolean newSession, boolean init,
                       Optional<String> argv0, List<KeptFd> keptFds) {
        this(argv, environment, workingDirectory, stdin, stdout, stderr, dieWithParent, newSession, init, argv0,
                keptFds, SIGTERM);
    }

    /**
     * A process without {@code argv0} and kept descriptors (the components added last).
     *
     * @param argv             the command and its arguments
     * @param environment      the complete environment
     * @param workingDirectory absolute path inside the container
     * @param stdin            where standard input comes from
     * @param stdout           where standard output goes
     * @param stderr           where standard error goes
     * @param dieWithParent    kill the container when the launching JVM dies
     * @param newSession       start the process in a session of its own
     * @param init             run the tiny init as pid 1
     * @throws InvalidSpecException naming the field and the rule
     */
    public ProcessSpec(List<String> argv, Map<String, String> environment, String workingDirectory, Stdio stdin,
                       Stdio stdout, Stdio stderr, boolean dieWithParent, boolean newSession, boolean init) {
        this(argv, environment, workingDirectory, stdin, stdout, stderr, dieWithParent, newSession, init,
                Optional.empty(), List.of());
    }

    /**
     * A descriptor of the JVM that the container's process gets open (not close-on-exec) as
     * {@code containerFd}, as bubblewrap's {@code --sync-fd} or runc's {@code --preserve-fds} do. The launch
     * duplicates {@code hostFd}; the caller keeps it and closes it when it wants to. The number is a raw
     * descriptor: one the JVM inherited, or one opened through the FFM API ({@link java.io.FileDescriptor}
     * does not show its number).
     *
     * @param hostFd      the JVM's descriptor, at least 0; it must be open at launch
     * @param containerFd the number in the container, {@value #MIN_KEPT_FD} to {@value #MAX_KEPT_FD} (0, 1
     *                    and 2 are {@link Stdio}'s)
     */
    public record KeptFd(int hostFd, int containerFd) {
        /** The lowest container descriptor that can be kept: 0, 1 and 2 are the standard streams. */
        public static final int MIN_KEPT_FD = 3;
        /** The highest: below 1024, the soft limit of open files most programs start with. */
        public static final int MAX_KEPT_FD = 1023;

        /**
         * Checks both numbers.
         *
         * @throws InvalidSpecException (field {@code keepFd}) for a negative host descriptor or a container
         *                              descriptor out of range
         */
        public KeptFd {
            if (hostFd < 0) {
                throw new InvalidSpecException("keepFd", "host descriptor " + hostFd + " is negative");
            }
            if (containerFd < MIN_KEPT_FD || containerFd > MAX_KEPT_FD) {
                throw new InvalidSpecException("keepFd", "container descriptor " + containerFd + " is not in "
                        + MIN_KEPT_FD + ".." + MAX_KEPT_FD + " (0, 1 and 2 are set with stdin, stdout, stderr)");
            }
        }
    }

    /**
     * The argv the program gets: {@link #argv()} with {@link #argv0()} in place of its first element.
     *
     * @return the argument vector passed to execve
     */
    public List<String> execArgv() {
        if (argv0.isEmpty()) {
            return argv;
        }
        List<String> out = new java.util.ArrayList<>(argv);
        out.set(0, argv0.get());
        return List.copyOf(out);
    }

    /** A file's path made absolute now (the launch opens it), against the JVM's working directory. */
    private static Stdio absolute(Stdio s) {
        return s instanceof Stdio.File f ? new Stdio.File(f.path().toAbsolutePath(), f.append()) : s;
    }

    /** {@return the PATH the executable is searched in: the environment's, or {@link #DEFAULT_PATH}} */
    public String path() {
        return environment.getOrDefault("PATH", DEFAULT_PATH);
    }
}
