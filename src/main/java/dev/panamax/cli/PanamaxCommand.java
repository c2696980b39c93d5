package dev.panamax.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The root command: runc's global flags, and the list of commands. A command is a class of this package
 * annotated {@code @Command(name = ...)} that implements {@code Callable<Integer>}, reads the global flags
 * through a {@code @ParentCommand PanamaxCommand} field, reports failures by throwing {@link CliException},
 * and is named in {@code subcommands} below (see {@link SpecCommand}).
 */
@Command(name = "panamax", versionProvider = PanamaxCommand.VersionText.class, sortOptions = false,
        synopsisSubcommandLabel = "COMMAND",
        header = "panamax - an Open Container Initiative runtime: Linux containers from Java through the FFM API",
        description = "%nContainers are configured using bundles: a directory with a config.json and a root"
                + " filesystem. The command line is runc's, so that podman, containerd and CRI-O can run it.",
        optionListHeading = "%nGlobal options:%n", commandListHeading = "%nCommands:%n",
        subcommands = {FeaturesCommand.class, SpecCommand.class, CommandLine.HelpCommand.class})
final class PanamaxCommand implements Callable<Integer> {
    @Option(names = "--debug", description = "enable debug logging")
    boolean debug;

    @Option(names = "--log", paramLabel = "FILE",
            description = "set the log file to write panamax logs to (default: the standard error stream)")
    Path log;

    @Option(names = "--log-format", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "set the log format: text (default) or json")
    Log.Format logFormat = Log.Format.TEXT;

    @Option(names = "--root", paramLabel = "DIR",
            description = "root directory for storage of container state (default: /run/panamax; when not root:"
                    + " $XDG_RUNTIME_DIR/panamax)")
    Path root;

    @Option(names = "--systemd-cgroup",
            description = "use systemd to manage cgroups (not supported: Panamax writes cgroupfs itself)")
    boolean systemdCgroup;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "print the version")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show help")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The log, opened before a command runs; the standard error stream until then. */
    Log logger;

    /** The process's standard error stream (or a test's). */
    private PrintStream stderr;

    /** No command: the usage, as runc does. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * The container state directory: {@code --root}, or the default for this user.
     *
     * @return the directory (not created here)
     */
    Path root() {
        if (root != null) {
            return root;
        }
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isEmpty() && ProcessIds.current().euid() != 0) {
            return Path.of(runtimeDir, "panamax");
        }
        return Path.of("/run/panamax");
    }

    /**
     * Parses the command line and runs its command.
     *
     * @param args   the command line
     * @param out    the output stream
     * @param stderr the standard error stream
     * @return the exit status
     */
    static int execute(String[] args, PrintStream out, PrintStream stderr) {
        PanamaxCommand root = new PanamaxCommand();
        root.stderr = stderr;
        root.logger = Log.toStderr(stderr, Log.Format.TEXT, false);
        CommandLine cli = new CommandLine(root)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(stderr, true))
                .setExecutionStrategy(root::runCommand)
                .setParameterExceptionHandler(root::usageError)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> root.failure(e));
        try {
            return cli.execute(args);
        } finally {
            root.logger.close();
            out.flush();
        }
    }

    /** Opens the log the global flags name, refuses what is not supported, then runs the command. */
    private int runCommand(CommandLine.ParseResult parsed) {
        try {
            openLog();
            if (systemdCgroup) {
                throw new CliException("--systemd-cgroup: not supported (Panamax manages cgroups through cgroupfs;"
                        + " leave the flag out, and give linux.cgroupsPath as a path, not \"slice:prefix:name\")");
            }
            logger.write(Log.Level.DEBUG, "panamax " + Version.panamax() + ": " + String.join(" ",
                    parsed.originalArgs()));
        } catch (CliException e) {
            return failure(e);
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    private void openLog() {
        if (log != null) {
            logger = Log.toFile(log, logFormat, debug);
        } else {
            logger = Log.toStderr(stderr, logFormat, debug);
        }
    }

    /**
     * Reports a failure as runc does: the message in the log and, when the log is a file, on the standard
     * error stream too.
     *
     * @param e what failed ({@link CliException}: its message; anything else: its type too)
     * @return 1
     */
    int failure(Exception e) {
        String message = e instanceof CliException ? e.getMessage() : e.toString();
        logger.write(Log.Level.ERROR, message);
        if (!logger.isStderr()) {
            stderr.println(message);
        }
        return 1;
    }

    /** runc's usage errors: "No help topic" (status 3) for an unknown command, else the message and usage. */
    private int usageError(CommandLine.ParameterException e, String[] args) {
        try {
            openLog();
        } catch (CliException ignored) {
            // the log flag itself is what is wrong: keep the standard error stream
        }
        CommandLine at = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException u && at.getCommandSpec().subcommands().size() > 1
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            logger.write(Log.Level.ERROR, "No help topic for '" + u.getUnmatched().getFirst() + "'");
            return 3;
        }
        String message = e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && u.getUnmatched().getFirst().startsWith("-")
                ? "flag provided but not defined: " + u.getUnmatched().getFirst()
                : e.getMessage();
        logger.write(Log.Level.ERROR, message);
        PrintWriter err = at.getErr();
        err.println("Incorrect Usage: " + message);
        err.println();
        at.usage(err);
        err.flush();
        return 1;
    }

    /** {@code --version}: runc's layout. */
    static final class VersionText implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return Version.text().split("\n");
        }
    }

    /** {@code --log-format}: {@code text} or {@code json}, lower case as runc takes them. */
    static final class FormatConverter implements CommandLine.ITypeConverter<Log.Format> {
        @Override
        public Log.Format convert(String value) {
            return switch (value) {
                case "text" -> Log.Format.TEXT;
                case "json" -> Log.Format.JSON;
                default -> throw new CommandLine.TypeConversionException("invalid log-format: " + value
                        + " (text or json)");
            };
        }
    }
}
