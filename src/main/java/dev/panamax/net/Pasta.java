package dev.panamax.net;

import dev.panamax.net.UserModeNetwork.Port;
import dev.panamax.net.UserModeNetwork.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * pasta in the foreground under a {@code sh} watchdog: the tool's pid file is its readiness, the watchdog's
 * standard input (a pipe from this JVM) its lifeline.
 */
final class Pasta {
    /**
     * The pasta watchdog ({@code sh -c WATCHDOG sh TOOL ARGS...}): runs the tool with /dev/null as input,
     * a reader that kills it once this JVM's pipe on standard input closes, and exits with the tool's status.
     */
    private static final String WATCHDOG = """
            exec 3<&0
            "$@" </dev/null 3<&- &
            p=$!
            { read -r _ <&3; kill -TERM "$p" 2>/dev/null; } &
            r=$!
            exec 3<&-
            wait "$p"; s=$?
            kill "$r" 2>/dev/null
            exit "$s"
            """;

    private Pasta() {
    }

    /** pasta's command line (without the tool's path) for {@code containerPid}. */
    static List<String> arguments(long containerPid, List<Port> ports, Path pidFile, boolean root) {
        List<String> args = new ArrayList<>(List.of("--foreground", "--quiet"));
        if (root) {
            args.addAll(List.of("--runas", "0"));
        }
        args.addAll(List.of("--config-net", "--dns-forward", UserModeNetwork.PASTA_DNS, "--pid", pidFile.toString()));
        for (String protocol : List.of("tcp", "udp")) {
            String option = protocol.equals("tcp") ? "-t" : "-u";
            List<Port> these = ports.stream().filter(p -> p.protocol().equals(protocol)).toList();
            if (these.isEmpty()) {
                args.addAll(List.of(option, "none"));
            }
            for (Port p : these) {
                args.addAll(List.of(option, p.pastaSpec()));
            }
        }
        args.addAll(List.of("-T", "none", "-U", "none", Long.toString(containerPid)));
        return args;
    }

    /** Starts pasta ({@code exe}, after {@code prefix}) and waits for its pid file. */
    static UserModeNetwork start(Path exe, long containerPid, List<Port> ports, Path dir, List<String> prefix,
                                 boolean root) {
        if (root) {
            checkOwnUserNamespace(containerPid);
        }
        Path pidFile = dir.resolve("pasta-" + containerPid + ".pid");
        Path log = dir.resolve("pasta-" + containerPid + ".err");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "sh"));
        command.addAll(prefix);
        command.add(exe.toString());
        command.addAll(arguments(containerPid, ports, pidFile, root));
        Process p = UserModeNetwork.spawn(Tool.PASTA, command, log);
        List<Path> files = List.of(pidFile, log);
        try {
            long pid = UserModeNetwork.awaitReady(Tool.PASTA, p, containerPid, pidFile, log, true);
            return UserModeNetwork.of(Tool.PASTA, p, pid, files);
        } catch (RuntimeException e) {
            UserModeNetwork.stop(p, -1);
            UserModeNetwork.delete(files);
            throw e;
        }
    }

    /**
     * Refuses, as root, a container in this process's user namespace: pasta drops its capabilities before it
     * opens {@code /proc/PID/ns/*}, which for a process with full capabilities needs CAP_SYS_PTRACE.
     */
    private static void checkOwnUserNamespace(long containerPid) {
        try {
            Path theirs = Path.of("/proc", Long.toString(containerPid), "ns", "user");
            if (Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")))) {
                throw new UserModeNetworkException("pasta cannot join the container with pid " + containerPid
                        + ": it shares the host's user namespace, and pasta, started by root, drops the capabilities"
                        + " it would need to open " + theirs.getParent() + "; give the container a user namespace,"
                        + " or a bridge network");
            }
        } catch (IOException e) {
            throw new UserModeNetworkException("pasta: cannot read the user namespace of the container with pid "
                    + containerPid + ": " + e.getMessage(), e);
        }
    }
}
