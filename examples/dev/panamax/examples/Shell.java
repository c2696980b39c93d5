package dev.panamax.examples;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import dev.panamax.Terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The classic minimal container: a shell in new mount, pid, uts, ipc and net namespaces, with /proc mounted
 * and its own hostname.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@shell                     # as root; the default rootfs
 * mvn -q -B -DskipTests test-compile exec:exec@shell -Dargs=/srv/rootfs  # any rootfs directory with /bin/sh
 * </pre>
 * The working directory and {@code HOME} are {@code /root} when the rootfs has it, else {@code /}.
 *
 * <p>On a terminal, the container gets a pseudo-terminal of its own and the JVM's terminal goes into raw
 * mode while the shell runs: every key is relayed as is, so job control works and Ctrl-C reaches the
 * container's foreground process, not the JVM. When stdin is not a terminal the shell reads commands from
 * it ({@code echo 'hostname; exit 3' | java ... Shell}; not through Maven, whose exec plugin reads piped stdin
 * itself: run under Maven with stdin not a terminal, this prints the {@code java} command to use). Either way,
 * when the shell exits this prints {@code Finished!} and its status; when piped, the JVM then exits with the
 * shell's status.
 */
public final class Shell {
    private Shell() {
    }

    public static void main(String[] args) {
        Examples.run("shell", () -> {
            Path rootfs = Examples.rootfs(args, 0);
            boolean interactive = System.console() != null && System.console().isTerminal();
            ContainerSpec.Builder spec = ContainerSpec.builder()
                    .rootfs(rootfs)                 // namespaces: mount, pid, uts, ipc, net (the default)
                    .hostname("container")          // /proc is mounted: there is a pid namespace
                    .env("PS1", "[container] \\w # ")
                    .env("TERM", System.getenv().getOrDefault("TERM", "xterm"))
                    .env("HOME", home(rootfs))
                    .workingDirectory(home(rootfs));
            if (!interactive && System.getenv().containsKey("MAVEN_CMD_LINE_ARGS")) {
                System.err.println("shell: Maven's exec plugin reads piped stdin itself, before the shell can; to pipe"
                        + " commands into the shell, run its JVM directly:\n  echo 'hostname; exit 3' | "
                        + Examples.shellLine(Examples.javaCommand(Shell.class, args)));
            }
            ExitStatus status = interactive
                    ? interactive(spec.command(shell(rootfs), "-i").terminal(true).build())
                    : piped(spec.command("/bin/sh").stdin(Stdio.inherit()).build());
            System.out.println("Finished! The shell " + status);
            return interactive ? 0 : status.shellCode();     // piped: scripts and tests see the shell's status
        });
    }

    /** /root when the rootfs has it, else / (a plain busybox rootfs has only /bin). */
    private static String home(Path rootfs) {
        return Files.isDirectory(rootfs.resolve("root"), LinkOption.NOFOLLOW_LINKS) ? "/root" : "/";
    }

    /** bash when the rootfs has it (line editing), else sh. */
    private static String shell(Path rootfs) {
        return Files.isExecutable(rootfs.resolve("bin/bash")) ? "/bin/bash" : "/bin/sh";
    }

    private static ExitStatus piped(ContainerSpec spec) throws InterruptedException {
        try (Container c = Launcher.launch(spec)) {
            return c.waitFor();
        }
    }

    private static ExitStatus interactive(ContainerSpec spec) throws Exception {
        HostTerminal host = HostTerminal.raw();
        try (Container c = Launcher.launch(spec)) {
            Terminal pty = c.terminal();
            host.size().filter(size -> size[0] > 0 && size[1] > 0).ifPresent(size -> pty.resize(size[0], size[1]));
            Thread keys = relay(System.in, pty.input(), "keys");
            Thread screen = relay(pty.output(), System.out, "screen");
            ExitStatus status = c.waitFor();
            screen.join(1000);              // the rest of the output: EOF once the last holder of the pty exits
            keys.interrupt();               // blocked on System.in: a daemon, it dies with the JVM
            return status;
        } finally {
            host.restore();
            System.out.println();
        }
    }

    private static Thread relay(InputStream from, OutputStream to, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = from.read(buf)) > 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException closed) {
                // the container ended: nothing left to relay
            }
        });
    }

    /** The JVM's own terminal, switched to raw mode with stty and restored in any case (also on SIGTERM). */
    private record HostTerminal(String saved) {
        static HostTerminal raw() throws IOException, InterruptedException {
            HostTerminal t = new HostTerminal(stty("-g").strip());
            Runtime.getRuntime().addShutdownHook(new Thread(t::restore));
            stty("raw", "-echo");
            return t;
        }

        Optional<int[]> size() {
            try {
                String[] rc = stty("size").strip().split(" ");
                return Optional.of(new int[] {Integer.parseInt(rc[0]), Integer.parseInt(rc[1])});
            } catch (IOException | InterruptedException | RuntimeException unknown) {
                return Optional.empty();
            }
        }

        void restore() {
            try {
                stty(saved);
            } catch (IOException | InterruptedException ignored) {
                // nothing more can be done for the terminal
            }
        }

        private static String stty(String... args) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("sh", "-c", "stty " + String.join(" ", args) + " < /dev/tty")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + ": " + out.strip());
            }
            return out;
        }
    }
}
