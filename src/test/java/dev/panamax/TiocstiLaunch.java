package dev.panamax;

import java.nio.file.Path;

/**
 * Run by {@link TerminalInjectionTest} in a JVM started by an interactive shell on a real pseudo-terminal:
 * launches {@code probe tiocsti TEXT} with the terminal as inherited stdio. {@code default} uses every
 * default; {@code unsafe} keeps the JVM's session and drops the seccomp filter (the control run).
 */
public final class TiocstiLaunch {
    private TiocstiLaunch() {
    }

    public static void main(String[] args) throws Exception {
        ContainerSpec.Builder b = ContainerSpec.builder().rootfs(Path.of(args[0])).command("probe", "tiocsti", args[2]);
        if (args[1].equals("unsafe")) {
            b.newSession(false).noSeccomp();
        }
        try (Container c = Launcher.launch(b.build())) {
            System.out.println("probe exit " + c.waitFor());
        }
    }
}
