package dev.panamax.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import static dev.panamax.cli.LifecycleCommands.flag;
import static dev.panamax.cli.LifecycleCommands.value;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code exec [flags] ID [COMMAND [ARG...]]}: runs a process in a running container, as runc's: the process
 * from {@code --process FILE} (an OCI process JSON) or the command with {@code --cwd}, {@code --env},
 * {@code --user} and {@code --cap} over the container's own process; {@code --tty} with {@code --console-socket}
 * sends the pty's master to the caller; {@code --detach} returns at once ({@code --pid-file} names the process).
 * The work is {@link ExecOperation}'s.
 */
final class ExecCommand implements Subcommand {
    @Override
    public String name() {
        return "exec";
    }

    @Override
    public String arguments() {
        return "<container-id> [<command> [<argument>...]]";
    }

    @Override
    public String summary() {
        return "execute new process inside the container";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(value("process", "p", "FILE", "path to the process.json"));
        o.addOption(flag("tty", "t", "allocate a pseudo-TTY"));
        o.addOption(value("console-socket", null, "SOCKET",
                "path to an AF_UNIX socket that receives the pty master (with --tty)"));
        o.addOption(flag("detach", "d", "detach from the container's process"));
        o.addOption(value("pid-file", null, "FILE", "file to write the process id to"));
        o.addOption(value("cwd", null, "DIR", "current working directory in the container"));
        o.addOption(Option.builder("e").longOpt("env").hasArg().argName("KEY=VALUE")
                .desc("set an environment variable (repeatable)").get());
        o.addOption(value("user", "u", "UID[:GID]", "the user's ids in the container"));
        o.addOption(Option.builder("c").longOpt("cap").hasArg().argName("CAP")
                .desc("add a capability (repeatable)").get());
        return o;
    }

    @Override
    public int run(PanamaxCommand panamax, CommandLine line) {
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UsageException("requires at least 1 argument(s), got 0");
        }
        String id = args.getFirst();
        SavedState state;
        try (ContainerDirectory dir = ContainerDirectory.open(panamax.root(), id)) {
            state = LifecycleCommands.saved(dir, id);
        }
        ExecOperation.Request request = new ExecOperation.Request(state.record().orElseThrow(
                () -> new CliException("container " + id + " is not created yet")), state.bundle(),
                path(line, "process"), List.copyOf(args.subList(1, args.size())),
                Optional.ofNullable(line.getOptionValue("cwd")), values(line, "env"),
                Optional.ofNullable(line.getOptionValue("user")), values(line, "cap"), line.hasOption("tty"),
                path(line, "console-socket"), line.hasOption("detach"), path(line, "pid-file"));
        try {
            return ExecOperation.run(request, System.in, panamax.out);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new CliException("exec failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("exec in " + id + ": interrupted");
        }
    }

    private static Optional<Path> path(CommandLine line, String flag) {
        return Optional.ofNullable(line.getOptionValue(flag)).map(Path::of).map(Path::toAbsolutePath);
    }

    private static List<String> values(CommandLine line, String flag) {
        String[] v = line.getOptionValues(flag);
        return v == null ? List.of() : List.of(v);
    }
}
