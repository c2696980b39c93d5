package dev.panamax.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The root command: runc's global flags, then the command's name, then that command's flags and arguments
 * (urfave/cli's order, as runc parses it: {@code --bundle X}, {@code --bundle=X}, {@code -b X} and runc's
 * single-dash {@code -bundle X} alike; parsing stops at the first argument that is not a flag). A command is a
 * {@link Subcommand} of this package listed in {@link #COMMANDS}; it reads the global flags from this object
 * and reports failures by throwing {@link CliException}.
 */
final class PanamaxCommand {
    /** The commands, in the order the usage lists them. */
    static final List<Subcommand> COMMANDS = List.of(new LifecycleCommands.Create(), new LifecycleCommands.Start(),
            new LifecycleCommands.Run(), new LifecycleCommands.State(), new LifecycleCommands.Kill(),
            new LifecycleCommands.Delete(), new LifecycleCommands.ListCommand(), new LifecycleCommands.Ps(),
            new LifecycleCommands.Pause(), new LifecycleCommands.Resume(), new UpdateCommand(),
            new FeaturesCommand(), new SpecCommand());

    private static final String HEADER =
            "panamax - an Open Container Initiative runtime: Linux containers from Java through the FFM API";
    private static final String DESCRIPTION = "Containers are configured using bundles: a directory with a"
            + " config.json and a root filesystem. The command line is runc's, so that podman, containerd and"
            + " CRI-O can run it.";

    boolean debug;
    Path log;
    Log.Format logFormat = Log.Format.TEXT;
    Path root;
    boolean systemdCgroup;

    /** The log, opened before a command runs; the standard error stream until then. */
    Log logger;
    /** Where the command's output goes. */
    PrintStream out;
    /** The process's standard error stream (or a test's). */
    private PrintStream stderr;

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

    static Options globalOptions() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("debug").desc("enable debug logging").get());
        o.addOption(Option.builder().longOpt("log").hasArg().argName("FILE")
                .desc("set the log file to write panamax logs to (default: the standard error stream)").get());
        o.addOption(Option.builder().longOpt("log-format").hasArg().argName("FORMAT")
                .desc("set the log format: text (default) or json").get());
        o.addOption(Option.builder().longOpt("root").hasArg().argName("DIR")
                .desc("root directory for storage of container state (default: /run/panamax; when not root:"
                        + " $XDG_RUNTIME_DIR/panamax)").get());
        o.addOption(Option.builder().longOpt("systemd-cgroup")
                .desc("use systemd to manage cgroups (not supported: Panamax writes cgroupfs itself)").get());
        o.addOption(Option.builder("v").longOpt("version").desc("print the version").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show help").get());
        return o;
    }

    /**
     * Parses flags as urfave/cli does for runc: up to the first argument that is not a flag; an unknown flag is a
     * usage error. Commons CLI's partial matching of long names is off ({@code --bun} is not {@code --bundle}).
     *
     * @param options the flags there are
     * @param args    the arguments
     * @return the flags and the arguments after them
     * @throws UsageException naming the flag that is unknown or lacks its value
     */
    static CommandLine parse(Options options, String[] args) {
        try {
            CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).get()
                    .parse(options, args, true);
            List<String> rest = line.getArgList();
            if (!rest.isEmpty() && rest.getFirst().startsWith("-") && !rest.getFirst().equals("-")) {
                throw new UsageException("flag provided but not defined: " + rest.getFirst());
            }
            return line;
        } catch (MissingArgumentException e) {
            throw new UsageException("flag needs an argument: " + flagName(e.getOption()));
        } catch (UnrecognizedOptionException e) {
            throw new UsageException("flag provided but not defined: " + e.getOption());
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String flagName(Option o) {
        return o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt();
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
        PanamaxCommand panamax = new PanamaxCommand();
        panamax.out = out;
        panamax.stderr = stderr;
        panamax.logger = Log.toStderr(stderr, Log.Format.TEXT, false);
        try {
            return panamax.execute(args);
        } finally {
            panamax.logger.close();
            out.flush();
        }
    }

    private int execute(String[] args) {
        Subcommand command = null;
        try {
            CommandLine global = parse(globalOptions(), args);
            debug = global.hasOption("debug");
            systemdCgroup = global.hasOption("systemd-cgroup");
            if (global.hasOption("root")) {
                root = Path.of(global.getOptionValue("root"));
            }
            if (global.hasOption("log")) {
                log = Path.of(global.getOptionValue("log"));
            }
            if (global.hasOption("log-format")) {
                logFormat = switch (global.getOptionValue("log-format")) {
                    case "text" -> Log.Format.TEXT;
                    case "json" -> Log.Format.JSON;
                    default -> throw new UsageException("invalid log-format: " + global.getOptionValue("log-format")
                            + " (text or json)");
                };
            }
            openLog();
            if (global.hasOption("version")) {
                out.println(Version.text());
                return 0;
            }
            List<String> rest = global.getArgList();
            if (global.hasOption("help") || rest.isEmpty()) {
                out.print(usage());
                return 0;
            }
            String name = rest.getFirst();
            String[] commandArgs = rest.subList(1, rest.size()).toArray(String[]::new);
            if (name.equals("help") || name.equals("h")) {
                return help(commandArgs);
            }
            command = find(name);
            if (command == null) {
                logger.write(Log.Level.ERROR, "No help topic for '" + name + "'");
                return 3;
            }
            Options options = command.options();
            options.addOption(Option.builder("h").longOpt("help").desc("show help").get());
            CommandLine line = parse(options, commandArgs);
            if (line.hasOption("help")) {
                out.print(usage(command));
                return 0;
            }
            if (systemdCgroup) {
                throw new CliException("--systemd-cgroup: not supported (Panamax manages cgroups through cgroupfs;"
                        + " leave the flag out, and give linux.cgroupsPath as a path, not \"slice:prefix:name\")");
            }
            logger.write(Log.Level.DEBUG, "panamax " + Version.panamax() + ": " + String.join(" ", args));
            return command.run(this, line);
        } catch (UsageException e) {
            logger.write(Log.Level.ERROR, e.getMessage());
            stderr.println("Incorrect Usage: " + e.getMessage());
            stderr.println();
            stderr.print(command == null ? usage() : usage(command));
            stderr.flush();
            return 1;
        } catch (CliException e) {
            return failure(e);
        } catch (RuntimeException e) {
            return failure(e);
        }
    }

    private int help(String[] args) {
        if (args.length == 0) {
            out.print(usage());
            return 0;
        }
        Subcommand command = find(args[0]);
        if (command == null) {
            logger.write(Log.Level.ERROR, "No help topic for '" + args[0] + "'");
            return 3;
        }
        out.print(usage(command));
        return 0;
    }

    private static Subcommand find(String name) {
        for (Subcommand c : COMMANDS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
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

    /**
     * The standard error stream (a command's warnings that are not log lines, such as a hook's output).
     *
     * @return it
     */
    PrintStream stderr() {
        return stderr;
    }

    /** {@return the usage of the whole command: global flags and the list of commands} */
    static String usage() {
        StringBuilder b = new StringBuilder();
        b.append("Usage: panamax [global options] COMMAND [command options] [arguments...]\n");
        b.append(HEADER).append("\n\n").append(DESCRIPTION).append("\n\nCommands:\n");
        int width = COMMANDS.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Subcommand c : COMMANDS) {
            b.append("  ").append(pad(c.name(), width)).append("  ").append(c.summary()).append('\n');
        }
        b.append("  ").append(pad("help", width)).append("  shows a list of commands or help for one command\n");
        b.append("\nGlobal options:\n");
        options(b, globalOptions());
        return b.toString();
    }

    /**
     * The usage of one command.
     *
     * @param command the command
     * @return its usage line, summary and flags
     */
    static String usage(Subcommand command) {
        StringBuilder b = new StringBuilder();
        Options options = command.options();
        b.append("Usage: panamax ").append(command.name()).append(options.getOptions().isEmpty() ? "" : " [command options]")
                .append(command.arguments().isEmpty() ? "" : " " + command.arguments()).append('\n');
        b.append(command.summary()).append('\n');
        if (!command.description().isEmpty()) {
            b.append('\n').append(command.description()).append('\n');
        }
        options.addOption(Option.builder("h").longOpt("help").desc("show help").get());
        b.append("\nOptions:\n");
        options(b, options);
        return b.toString();
    }

    private static void options(StringBuilder b, Options options) {
        List<String> names = options.getOptions().stream().map(o -> {
            String n = (o.getOpt() != null ? "-" + o.getOpt() + ", " : "    ") + (o.getLongOpt() != null
                    ? "--" + o.getLongOpt() : "");
            return o.hasArg() ? n + " " + o.getArgName() : n;
        }).toList();
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        int i = 0;
        for (Option o : options.getOptions()) {
            b.append("  ").append(pad(names.get(i++), width)).append("  ").append(o.getDescription()).append('\n');
        }
    }

    private static String pad(String s, int width) {
        char[] spaces = new char[Math.max(0, width - s.length())];
        Arrays.fill(spaces, ' ');
        return s + new String(spaces);
    }
}
