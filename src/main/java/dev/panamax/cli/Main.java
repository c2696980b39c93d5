package dev.panamax.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * The {@code panamax} command: an OCI runtime with runc's command line, which podman, containerd and CRI-O
 * call with a bundle. The installed layout's {@code bin/panamax} starts it; see the README, "Use as an OCI
 * runtime", for the commands there are so far.
 *
 * <pre>{@code
 * panamax --version
 * panamax spec --bundle /var/lib/bundle --rootless
 * panamax --log /run/shim/log.json --log-format json features
 * }</pre>
 *
 * <p>Errors go to the log (by default the standard error stream) in runc's format, and the command exits with
 * status 1; a usage error prints the usage too. This class touches no Commons CLI type, so that a missing Commons
 * CLI jar is reported as such.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the command and exits the JVM with its status.
     *
     * @param args the command line: global flags, a command, its flags and arguments
     */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /**
     * Runs the command in this JVM, writing to the given streams instead of the process's own.
     *
     * @param args   the command line: global flags, a command, its flags and arguments
     * @param out    where the command's output goes (the JSON documents, the version, the usage)
     * @param stderr where the log goes when {@code --log} names no file, and the message of a failure
     * @return the exit status: 0 on success, 1 on a failure or a usage error, 3 for an unknown command (runc's)
     */
    public static int run(List<String> args, PrintStream out, PrintStream stderr) {
        String missing = CliSupport.missing("org.apache.commons.cli.DefaultParser");
        if (missing != null) {
            stderr.println(Log.line(Log.Format.TEXT, Log.Level.ERROR, missing,
                    java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)));
            return 1;
        }
        return PanamaxCommand.execute(args.toArray(String[]::new), out, stderr);
    }
}
