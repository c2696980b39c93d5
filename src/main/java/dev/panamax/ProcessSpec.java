package dev.panamax;

import dev.panamax.spec.InvalidSpecException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 */
public record ProcessSpec(List<String> argv, Map<String, String> environment, String workingDirectory,
                          Stdio stdin, Stdio stdout, Stdio stderr, boolean dieWithParent, boolean newSession,
                          boolean init) {

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
