package dev.panamax.cli;

import dev.panamax.ContainerControl;
import dev.panamax.ContainerSpec;
import dev.panamax.CreateOptions;
import dev.panamax.CreatedContainer;
import dev.panamax.ExitStatus;
import dev.panamax.Launcher;
import dev.panamax.cgroup.CgroupManager;
import dev.panamax.cgroup.CgroupPath;
import dev.panamax.oci.OciConfig;
import dev.panamax.oci.OciHook;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lifecycle commands, runc's: {@code create}, {@code start}, {@code run}, {@code state}, {@code kill},
 * {@code delete}, {@code list}, {@code ps}, {@code pause}, {@code resume}. Each container has a directory under
 * {@code --root} ({@link ContainerDirectory}); a command that changes a container holds its lock throughout.
 */
final class LifecycleCommands {
    private LifecycleCommands() {
    }

    /** {@return {@code --bundle}/{@code -b}, as {@code spec}, {@code create} and {@code run} take it} */
    static Option bundleOption() {
        return Option.builder("b").longOpt("bundle").hasArg().argName("DIR")
                .desc("path to the root of the bundle directory (default: the current directory)").get();
    }

    /** {@return a flag without a value, {@code --longName} and {@code -shortName} (null: none)} */
    static Option flag(String longName, String shortName, String description) {
        return Option.builder(shortName).longOpt(longName).desc(description).get();
    }

    /** {@return a flag with a value named {@code arg}, {@code --longName} and {@code -shortName} (null: none)} */
    static Option value(String longName, String shortName, String arg, String description) {
        return Option.builder(shortName).longOpt(longName).hasArg().argName(arg).desc(description).get();
    }

    /** A command whose only argument is a container id. */
    abstract static class IdCommand implements Subcommand {
        @Override
        public String arguments() {
            return "<container-id>";
        }

        @Override
        public Options options() {
            return new Options();
        }
    }

    /**
     * What {@code create} made: the container (a child of this JVM), its state and config, and its directory,
     * still locked (the caller closes it).
     */
    record Made(CreatedContainer container, SavedState state, OciConfig config, ContainerDirectory dir) {
    }

    /**
     * {@code create}'s work, shared with {@code run}: reads the bundle, makes the state directory, creates the
     * container and runs the prestart and createRuntime hooks; on any failure nothing of it is left (the bundle
     * is read before the state directory is made).
     */
    static Made create(PanamaxCommand panamax, CommandLine line, String id) {
        return create(panamax, line, id, false);
    }

    /**
     * As above; with {@code attach} ({@code run} in the foreground) a terminal without a console socket stays with
     * this command, which relays it to its own standard streams.
     */
    static Made create(PanamaxCommand panamax, CommandLine line, String id, boolean attach) {
        Path bundle = Path.of(line.getOptionValue("bundle", "")).toAbsolutePath().normalize();
        Path configFile = bundle.resolve("config.json");
        OciConfig config;
        try {
            config = OciConfig.read(configFile);
        } catch (IOException e) {
            throw new CliException(configFile + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(configFile + ": " + e.getMessage());
        }
        for (OciHook.Point point : List.of(OciHook.Point.CREATE_CONTAINER, OciHook.Point.START_CONTAINER)) {
            if (!config.hooks(point).isEmpty()) {
                throw new CliException(configFile + ": hooks." + point.field() + ": not supported (Panamax cannot"
                        + " run a hook in the container's namespaces yet)");
            }
        }
        Optional<Path> consoleSocket = Optional.ofNullable(line.getOptionValue("console-socket")).map(Path::of)
                .map(Path::toAbsolutePath);
        if (config.terminal() && consoleSocket.isEmpty() && !attach) {   // runc's words: create always detaches
            throw new CliException("cannot allocate tty if runc will detach without setting console socket");
        }
        if (!config.terminal() && consoleSocket.isPresent()) {
            throw new CliException("cannot use console socket if runc will not detach or allocate tty");
        }
        ContainerSpec spec;
        try {
            spec = config.toSpec(bundle);
        } catch (IllegalArgumentException e) {
            throw new CliException(configFile + ": " + e.getMessage());
        }
        Path rootfs = spec.rootfs().orElse(bundle.resolve("rootfs")); // root.path, resolved in the bundle
        Long preserve = Arguments.number(line, "preserve-fds", 0);
        if (preserve != null && preserve > 0) {
            ContainerSpec.Builder b = spec.toBuilder();
            for (int fd = 3; fd < 3 + preserve; fd++) {
                b.keepFd(fd, fd);
            }
            spec = b.build();
        }
        String cgroupsPath = config.cgroupsPath().orElse(CgroupManager.DEFAULT_PARENT + "/" + id);
        String parent = CgroupManager.system().parent();
        try {
            CgroupPath.of(parent, cgroupsPath);
        } catch (IllegalArgumentException e) {
            throw new CliException("linux.cgroupsPath: " + e.getMessage());
        }
        ContainerDirectory dir = ContainerDirectory.create(panamax.root(), id);
        long self = ProcessHandle.current().pid();
        SavedState state = new SavedState(id, bundle, rootfs, Instant.now().toString(), "", config.annotations(),
                cgroupsPath, parent, self, Containers.startTime(self), Optional.empty());
        CreatedContainer created;
        try {
            dir.write(state);
            created = Launcher.create(spec, CreateOptions.defaults().withCgroupPath(cgroupsPath));
        } catch (RuntimeException e) {
            try (dir) {
                dir.remove();
            }
            throw e instanceof CliException ? e : new CliException("create " + id + ": " + e.getMessage());
        }
        try {
            state = state.withRecord(created.startRecord());
            dir.write(state);
            if (config.terminal()) {
                config.consoleSize().ifPresent(size -> created.terminal().resize(size.height(), size.width()));
            }
            if (consoleSocket.isPresent()) {   // the pty's master to the caller (conmon, the shim), then closed here
                created.terminal().sendTo(consoleSocket.get());
            }
            String json = Json.compact(Containers.ociState(state, "creating"));
            Hooks.run(OciHook.Point.PRESTART, config.hooks(OciHook.Point.PRESTART), json);
            Hooks.run(OciHook.Point.CREATE_RUNTIME, config.hooks(OciHook.Point.CREATE_RUNTIME), json);
            if (line.hasOption("pid-file")) {
                ContainerDirectory.writeAtomically(Path.of(line.getOptionValue("pid-file")).toAbsolutePath(),
                        created.startRecord().pid() + "");
            }
        } catch (RuntimeException e) {
            try (dir) {
                Containers.control(state, dir.path()).destroy();
                dir.remove();
            }
            throw e;
        }
        return new Made(created, state, config, dir);
    }

    /** The flags {@code create} and {@code run} share. */
    static Options createOptions() {
        Options o = new Options();
        o.addOption(bundleOption());
        o.addOption(value("console-socket", null, "SOCKET",
                "path to an AF_UNIX socket that receives the pty master (with process.terminal)"));
        o.addOption(value("pid-file", null, "FILE", "file to write the container's process id to"));
        o.addOption(value("preserve-fds", null, "N",
                "pass N more file descriptors to the container (3 to 3+N-1; default 0)"));
        o.addOption(flag("no-pivot", null, "accepted for runc's callers; Panamax always uses pivot_root"));
        o.addOption(flag("no-new-keyring", null, "accepted for runc's callers; Panamax makes no session keyring"));
        return o;
    }

    /** {@code create}: the container waits for {@code start}. */
    static final class Create implements Subcommand {
        @Override
        public String name() {
            return "create";
        }

        @Override
        public String arguments() {
            return "<container-id>";
        }

        @Override
        public String summary() {
            return "create a container";
        }

        @Override
        public String description() {
            return "The container's process is made and waits; \"start\" runs the user's program. Its standard"
                    + " streams are this command's own.";
        }

        @Override
        public Options options() {
            return createOptions();
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            String id = Arguments.id(Arguments.count(line, 1).getFirst());
            create(panamax, line, id).dir().close();
            return 0;
        }
    }

    /** Starts a created container and runs its poststart hooks (their failures are warnings). */
    static void start(PanamaxCommand panamax, ContainerDirectory dir, SavedState state, OciConfig config) {
        String status = Containers.status(state);
        switch (status) {
            case "created" -> {
            }
            case "stopped" -> throw new CliException("cannot start a container that has stopped");
            case "running" -> throw new CliException("cannot start an already running container");
            default -> throw new CliException("cannot start a container in the " + status + " state");
        }
        try {
            Launcher.start(state.record().orElseThrow());
        } catch (IllegalStateException e) {
            throw new CliException("start " + state.id() + ": " + e.getMessage());
        }
        try {
            OciConfig c = config != null ? config : OciConfig.read(state.bundle().resolve("config.json"));
            Hooks.run(OciHook.Point.POSTSTART, c.hooks(OciHook.Point.POSTSTART),
                    Json.compact(Containers.ociState(state, "running")));
        } catch (IOException | RuntimeException e) {
            panamax.logger.write(Log.Level.WARNING, "poststart hooks of " + state.id() + ": " + e.getMessage());
        }
    }

    static SavedState saved(ContainerDirectory dir, String id) {
        SavedState s = dir.read();
        if (s == null) {
            throw new CliException("container " + id + " has no state yet (its create did not finish);"
                    + " \"delete --force\" removes what is left");
        }
        return s;
    }

    /** {@code start}. */
    static final class Start extends IdCommand {
        @Override
        public String name() {
            return "start";
        }

        @Override
        public String summary() {
            return "executes the user defined process in a created container";
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            String id = Arguments.count(line, 1).getFirst();
            try (ContainerDirectory dir = ContainerDirectory.open(panamax.root(), id)) {
                start(panamax, dir, saved(dir, id), null);
            }
            return 0;
        }
    }

    /** {@code run}: create and start; without {@code --detach}, wait and exit with the container's status. */
    static final class Run implements Subcommand {
        @Override
        public String name() {
            return "run";
        }

        @Override
        public String arguments() {
            return "<container-id>";
        }

        @Override
        public String summary() {
            return "create and run a container";
        }

        @Override
        public Options options() {
            Options o = createOptions();
            o.addOption(flag("detach", "d", "detach from the container's process"));
            o.addOption(flag("keep", null, "do not delete the container after it exits"));
            return o;
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            String id = Arguments.id(Arguments.count(line, 1).getFirst());
            boolean detach = line.hasOption("detach");
            Made made = create(panamax, line, id, !detach);
            // runc run with process.terminal and no console socket: the terminal's master stays here, relayed to
            // this command's standard streams (which are not switched to raw mode)
            Thread output = made.config().terminal() && !line.hasOption("console-socket")
                    ? ExecOperation.relay(made.container().terminal(), System.in, panamax.out) : null;
            try (ContainerDirectory dir = made.dir()) {
                try {
                    start(panamax, dir, made.state(), made.config());
                } catch (RuntimeException e) {
                    Containers.remove(panamax, dir, made.state());
                    throw e;
                }
            }
            if (detach) {
                return 0;
            }
            ContainerControl control = Launcher.control(made.state().record().orElseThrow());
            List<sun.misc.Signal> forwarded = new ArrayList<>();
            for (String name : List.of("TERM", "INT", "HUP", "QUIT", "USR1", "USR2", "WINCH")) {
                try {
                    sun.misc.Signal s = new sun.misc.Signal(name);
                    sun.misc.Signal.handle(s, sig -> control.signal(sig.getNumber()));
                    forwarded.add(s);
                } catch (IllegalArgumentException reserved) {
                    panamax.logger.write(Log.Level.DEBUG, "SIG" + name + " not forwarded: " + reserved.getMessage());
                }
            }
            ExitStatus status;
            try {
                status = made.container().waitFor();
                if (output != null) {
                    output.join(ExecOperation.OUTPUT_DRAIN_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted waiting for container " + id);
            }
            if (!line.hasOption("keep")) {
                try (ContainerDirectory dir = ContainerDirectory.open(panamax.root(), id)) {
                    Containers.remove(panamax, dir, dir.read());
                } catch (CliException gone) {
                    panamax.logger.write(Log.Level.DEBUG, gone.getMessage());
                }
            }
            return status.shellCode();
        }
    }

    /** {@code state}: the OCI state JSON. */
    static final class State extends IdCommand {
        @Override
        public String name() {
            return "state";
        }

        @Override
        public String summary() {
            return "output the state of a container";
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            String id = Arguments.count(line, 1).getFirst();
            Path dir = panamax.root().resolve(Arguments.id(id));
            SavedState s = ContainerDirectory.read(dir);
            if (s == null) {
                throw new CliException("container does not exist: " + id);
            }
            panamax.out.println(Json.pretty(Containers.ociState(s, Containers.status(s)), "  "));
            return 0;
        }
    }

    /** {@code kill}: a signal to the container's process, or to all of its processes. */
    static final class Kill implements Subcommand {
        @Override
        public String name() {
            return "kill";
        }

        @Override
        public String arguments() {
            return "<container-id> [signal]";
        }

        @Override
        public String summary() {
            return "kill sends the specified signal (default: SIGTERM) to the container's init process";
        }

        @Override
        public Options options() {
            Options o = new Options();
            o.addOption(flag("all", "a", "send the specified signal to all processes inside the container"));
            return o;
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            List<String> args = Arguments.range(line, 1, 2);
            String id = args.getFirst();
            int signal = Signals.parse(args.size() > 1 ? args.get(1) : "TERM");
            try (ContainerDirectory dir = ContainerDirectory.open(panamax.root(), id)) {
                SavedState s = saved(dir, id);
                String status = Containers.status(s);
                if (status.equals("stopped") || status.equals("creating")) {
                    throw new CliException("container " + id + " is " + (status.equals("stopped") ? "not running"
                            : "being created"));
                }
                ContainerControl control = Launcher.control(s.record().orElseThrow());
                try {
                    if (line.hasOption("all")) {
                        control.signalAll(signal);
                    } else if (!control.signal(signal)) {
                        throw new CliException("container " + id + " is not running");
                    }
                } catch (IllegalArgumentException e) {
                    throw new CliException("kill " + id + ": " + e.getMessage());
                }
            }
            return 0;
        }
    }

    /** {@code delete}. */
    static final class Delete extends IdCommand {
        @Override
        public String name() {
            return "delete";
        }

        @Override
        public String summary() {
            return "delete any resources held by the container";
        }

        @Override
        public Options options() {
            Options o = new Options();
            o.addOption(flag("force", "f", "forcibly delete the container if it is still running (uses SIGKILL)"));
            return o;
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            String id = Arguments.count(line, 1).getFirst();
            boolean force = line.hasOption("force");
            ContainerDirectory dir;
            try {
                dir = ContainerDirectory.open(panamax.root(), id);
            } catch (CliException e) {
                if (force && e.getMessage().startsWith("container does not exist")) {
                    return 0;
                }
                throw e;
            }
            try (dir) {
                SavedState s = dir.read();
                String status = s == null ? "stopped" : Containers.status(s);
                if (!force && !status.equals("stopped")) {
                    throw new CliException("cannot delete container " + id + " that is not stopped: " + status);
                }
                Containers.remove(panamax, dir, s);
            }
            return 0;
        }
    }

    /** {@return {@code --format}: table (the default) or json} */
    private static String format(CommandLine line) {
        String format = line.getOptionValue("format", "table");
        if (!format.equals("table") && !format.equals("json")) {
            throw new CliException("invalid format option: " + format + " (table or json)");
        }
        return format;
    }

    /** {@code list}: the containers under the root. */
    static final class ListCommand implements Subcommand {
        @Override
        public String name() {
            return "list";
        }

        @Override
        public String arguments() {
            return "";
        }

        @Override
        public String summary() {
            return "lists containers started by panamax with the given root";
        }

        @Override
        public Options options() {
            Options o = new Options();
            o.addOption(value("format", "f", "FORMAT", "select one of: table (default) or json"));
            o.addOption(flag("quiet", "q", "display only container IDs"));
            return o;
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            Arguments.count(line, 0);
            String format = format(line);
            List<Map<String, Object>> states = new ArrayList<>();
            for (String id : ContainerDirectory.ids(panamax.root())) {
                SavedState s = ContainerDirectory.read(panamax.root().resolve(id));
                if (s != null) {
                    states.add(Containers.ociState(s, Containers.status(s)));
                }
            }
            if (line.hasOption("quiet")) {
                states.forEach(s -> panamax.out.println(s.get("id")));
            } else if (format.equals("json")) {
                panamax.out.println(Json.compact(states));
            } else {
                panamax.out.println(String.format("%-12s %-10s %-10s %-40s %-30s %s", "ID", "PID", "STATUS", "BUNDLE",
                        "CREATED", "OWNER"));
                for (Map<String, Object> s : states) {
                    panamax.out.println(String.format("%-12s %-10s %-10s %-40s %-30s %s", s.get("id"), s.get("pid"),
                            s.get("status"), s.get("bundle"), s.get("created"), s.get("owner")));
                }
            }
            return 0;
        }
    }

    /** {@code ps}: the container's processes. */
    static final class Ps extends IdCommand {
        @Override
        public String name() {
            return "ps";
        }

        @Override
        public String summary() {
            return "ps displays the processes running inside a container";
        }

        @Override
        public Options options() {
            Options o = new Options();
            o.addOption(value("format", "f", "FORMAT", "select one of: table (default) or json"));
            return o;
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            String id = Arguments.range(line, 1, 1).getFirst();
            String format = format(line);
            SavedState s = ContainerDirectory.read(panamax.root().resolve(Arguments.id(id)));
            if (s == null || s.record().isEmpty()) {
                throw new CliException("container does not exist: " + id);
            }
            List<Long> pids = Launcher.control(s.record().get()).pids();
            if (format.equals("json")) {
                panamax.out.println(Json.compact(pids));
            } else {
                panamax.out.println("PID");
                pids.forEach(panamax.out::println);
            }
            return 0;
        }
    }

    /** {@code pause}. */
    static final class Pause extends IdCommand {
        @Override
        public String name() {
            return "pause";
        }

        @Override
        public String summary() {
            return "pause suspends all processes inside the container";
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            return freeze(panamax, Arguments.count(line, 1).getFirst(), true);
        }
    }

    /** {@code resume}. */
    static final class Resume extends IdCommand {
        @Override
        public String name() {
            return "resume";
        }

        @Override
        public String summary() {
            return "resumes all processes that have been previously paused";
        }

        @Override
        public int run(PanamaxCommand panamax, CommandLine line) {
            return freeze(panamax, Arguments.count(line, 1).getFirst(), false);
        }
    }

    private static int freeze(PanamaxCommand panamax, String id, boolean freeze) {
        try (ContainerDirectory dir = ContainerDirectory.open(panamax.root(), id)) {
            SavedState s = saved(dir, id);
            String status = Containers.status(s);
            if (freeze ? !status.equals("running") && !status.equals("created") : !status.equals("paused")) {
                throw new CliException("container " + id + " is " + status + (freeze ? ", not running" : ", not paused"));
            }
            ContainerControl control = Launcher.control(s.record().orElseThrow());
            try {
                if (freeze) {
                    control.freeze();
                } else {
                    control.thaw();
                }
            } catch (IllegalStateException e) {
                throw new CliException((freeze ? "pause " : "resume ") + id + ": " + e.getMessage());
            }
        }
        return 0;
    }

}
