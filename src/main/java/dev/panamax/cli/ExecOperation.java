package dev.panamax.cli;

import dev.panamax.Capability;
import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExecOptions;
import dev.panamax.Launcher;
import dev.panamax.ProcessIdentity;
import dev.panamax.ProcessSpec;
import dev.panamax.StartRecord;
import dev.panamax.Stdio;
import dev.panamax.Terminal;
import dev.panamax.oci.OciConfig;
import dev.panamax.oci.OciProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code panamax exec} does once its command line is parsed (the parsing is the command's): runs a process
 * in a running container from this JVM through {@link dev.panamax.ContainerControl#exec}, the container's spec
 * read again from its bundle's {@code config.json}. The process is an OCI process file ({@code --process}), or
 * the container's own process with another command and the overrides of {@code --cwd}, {@code --env},
 * {@code --user} and {@code --cap}, as runc builds it. Without {@code --detach} the exec's exit status (the
 * code, or 128 + the signal) is the command's; with it, the pid goes to the pid file and the exec outlives this
 * JVM (reparented to its subreaper).
 *
 * <pre>{@code
 * int status = ExecOperation.run(new ExecOperation.Request(record, bundle, Optional.empty(),
 *         List.of("ps", "aux"), Optional.empty(), List.of(), Optional.empty(), List.of(), false,
 *         Optional.empty(), false, Optional.empty()), System.in, System.out);
 * }</pre>
 */
public final class ExecOperation {
    /** How long an attached terminal's last output may take to arrive after the exec ended. */
    static final long OUTPUT_DRAIN_MILLIS = 2000;

    private ExecOperation() {
    }

    /**
     * An exec's inputs, as the command line gives them.
     *
     * @param record        the container's record (from the runtime's state directory)
     * @param bundle        the container's bundle directory, holding its {@code config.json}
     * @param processFile   {@code --process}: an OCI process JSON file; then {@code args} must be empty
     * @param args          the command and its arguments (without {@code --process})
     * @param cwd           {@code --cwd}: the working directory, replacing the container's
     * @param env           {@code --env K=V}, repeatable: set over the container's environment
     * @param user          {@code --user UID[:GID]}
     * @param caps          {@code --cap NAME}, repeatable: added to the container's capabilities
     * @param tty           {@code --tty}: a terminal (also when the process file says {@code terminal: true})
     * @param consoleSocket {@code --console-socket}: where the terminal's master is sent
     * @param detach        {@code --detach}
     * @param pidFile       {@code --pid-file}: where the exec's pid is written
     */
    public record Request(StartRecord record, Path bundle, Optional<Path> processFile, List<String> args,
                          Optional<String> cwd, List<String> env, Optional<String> user, List<String> caps,
                          boolean tty, Optional<Path> consoleSocket, boolean detach, Optional<Path> pidFile) {
        /**
         * Copies the lists.
         *
         * @throws NullPointerException for a null field
         */
        public Request {
            java.util.Objects.requireNonNull(record, "record");
            java.util.Objects.requireNonNull(bundle, "bundle");
            java.util.Objects.requireNonNull(processFile, "processFile");
            args = List.copyOf(args);
            java.util.Objects.requireNonNull(cwd, "cwd");
            env = List.copyOf(env);
            java.util.Objects.requireNonNull(user, "user");
            caps = List.copyOf(caps);
            java.util.Objects.requireNonNull(consoleSocket, "consoleSocket");
            java.util.Objects.requireNonNull(pidFile, "pidFile");
        }
    }

    /**
     * Runs the exec.
     *
     * @param request what to run
     * @param in      what a terminal gets typed (used only with a terminal and neither a console socket nor
     *                {@code --detach}; otherwise the process inherits this JVM's standard streams)
     * @param out     where such a terminal's output goes
     * @return the exec's exit status (its code, or 128 + its signal), or 0 when detached
     * @throws IllegalArgumentException naming the flag or field for bad input (runc's messages for the
     *                                  terminal flags)
     * @throws IllegalStateException    "cannot exec in a stopped container" (also paused, created)
     * @throws dev.panamax.oci.OciConfigException naming the JSON path of a bad process file or config
     * @throws dev.panamax.LaunchException        if the exec fails
     * @throws IOException              if the config, the process file or the pid file cannot be read or written
     * @throws InterruptedException     if interrupted while waiting for the exec
     */
    public static int run(Request request, InputStream in, OutputStream out) throws IOException, InterruptedException {
        if (request.processFile().isPresent() && !request.args().isEmpty()) {
            throw new IllegalArgumentException("exec: give either --process or a command, not both");
        }
        if (request.processFile().isEmpty() && request.args().isEmpty()) {
            throw new IllegalArgumentException("exec: a command or --process is required");
        }
        ContainerSpec container = OciConfig.read(request.bundle().resolve("config.json")).toSpec(request.bundle());
        ProcessSpec process;
        ExecOptions options;
        boolean tty;
        Optional<OciConfig.ConsoleSize> size;
        if (request.processFile().isPresent()) {
            OciProcess p = OciProcess.read(request.processFile().get());
            process = p.process();
            options = p.options();
            tty = request.tty() || p.terminal();
            size = p.consoleSize();
        } else {
            process = container.process();
            options = ExecOptions.defaults();
            tty = request.tty();
            size = Optional.empty();
        }
        process = overridden(process, request, tty);
        options = overridden(options, container, request).detached(request.detach());
        if (tty && request.detach() && request.consoleSocket().isEmpty()) {
            throw new IllegalArgumentException("cannot allocate tty if runc will detach without setting console socket");
        }
        if (request.consoleSocket().isPresent() && !tty) {
            throw new IllegalArgumentException("cannot use console socket if runc will not detach or allocate tty");
        }
        Container exec = Launcher.control(request.record()).exec(container, process, options);
        boolean handedOver = false;
        Thread output = null;
        try {
            if (tty) {
                Terminal t = exec.terminal();
                size.filter(s -> s.height() > 0 && s.width() > 0).ifPresent(s -> t.resize(s.height(), s.width()));
                if (request.consoleSocket().isPresent()) {
                    t.sendTo(request.consoleSocket().get());
                } else {
                    output = relay(t, in, out);
                }
            }
            if (request.pidFile().isPresent()) {
                writePidFile(request.pidFile().get(), exec.pid());
            }
            if (request.detach()) {
                handedOver = true; // closing the handle would kill it: the exec outlives this JVM
                return 0;
            }
            exec.waitFor();
            if (output != null) {
                output.join(OUTPUT_DRAIN_MILLIS); // the rest the terminal holds; EOF once no process has the slave
            }
            return exec.exitValue();
        } finally {
            if (!handedOver) {
                exec.close();
            }
        }
    }

    /** The process with the command line's command, working directory, environment and streams. */
    private static ProcessSpec overridden(ProcessSpec p, Request r, boolean tty) {
        Map<String, String> env = new LinkedHashMap<>(p.environment());
        for (String entry : r.env()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--env: expected NAME=VALUE, got \"" + entry + "\"");
            }
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        String cwd = r.cwd().orElse(p.workingDirectory());
        if (!cwd.startsWith("/")) {
            throw new IllegalArgumentException("--cwd: must be an absolute path, got \"" + cwd + "\"");
        }
        Stdio stdio = tty ? Stdio.terminal() : Stdio.inherit();
        return new ProcessSpec(r.args().isEmpty() ? p.argv() : r.args(), env, cwd, stdio, stdio, stdio, true, true,
                false);
    }

    /** The options with {@code --user} and {@code --cap}: capabilities added to the process's (or container's). */
    private static ExecOptions overridden(ExecOptions o, ContainerSpec container, Request r) {
        ExecOptions out = o;
        if (r.user().isPresent()) {
            out = out.withUser(user(r.user().get(), o.user().or(container::identity)));
        }
        if (!r.caps().isEmpty()) {
            Set<Capability> kept = EnumSet.noneOf(Capability.class);
            kept.addAll(o.capabilities().orElse(container.hardening().capabilities()));
            Set<Capability> ambient = EnumSet.noneOf(Capability.class);
            ambient.addAll(o.ambientCapabilities().orElse(container.hardening().ambientCapabilities()));
            for (String name : r.caps()) {
                try {
                    Capability c = Capability.parse(name);
                    kept.add(c);
                    ambient.add(c); // runc adds it to every set, the ambient one included
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--cap: " + e.getMessage(), e);
                }
            }
            out = out.withCapabilities(kept, ambient);
        }
        return out;
    }

    /** {@code UID[:GID]}; without a gid, the process's (or the container's) gid stays, else 0. */
    private static ProcessIdentity user(String value, Optional<ProcessIdentity> before) {
        String[] parts = value.split(":", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("--user: expected UID[:GID], got \"" + value + "\"");
        }
        long uid = id(parts[0], value);
        long gid = parts.length == 2 ? id(parts[1], value) : before.map(ProcessIdentity::gid).orElse(0L);
        return new ProcessIdentity(uid, gid, before.map(ProcessIdentity::groups).orElse(List.of()));
    }

    private static long id(String part, String value) {
        try {
            long n = Long.parseLong(part);
            if (n >= 0 && n <= 0xFFFF_FFFEL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--user: expected numeric UID[:GID], got \"" + value + "\"");
    }

    /** Writes the pid as runc does: to a temporary file beside it, then renamed over it. */
    private static void writePidFile(Path file, long pid) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        Files.write(tmp, Long.toString(pid).getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * An attached terminal: its output copied to {@code out}, {@code in} typed into it (daemon threads).
     *
     * @return the output's thread
     */
    static Thread relay(Terminal t, InputStream in, OutputStream out) {
        Thread.ofPlatform().daemon().name("tty-in").start(() -> copy(in, t.input()));
        return Thread.ofPlatform().daemon().name("tty-out").start(() -> copy(t.output(), out));
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the terminal or the stream closed: the copy ends with it
        }
    }
}
