package dev.panamax.program;

import dev.panamax.ProcessSpec;
import dev.panamax.Stdio;
import dev.panamax.sys.internal.Flags;

import java.util.List;

/**
 * The session: by default the process starts a new one ({@code setsid}), so it has no controlling terminal
 * and cannot reach the JVM's (bubblewrap's CVE-2017-5226: {@code ioctl(TIOCSTI)} typed commands into the
 * user's shell). A container with a {@linkplain Stdio#terminal() terminal} always does, and then makes the
 * terminal its controlling terminal, as login does, so that the shell inside owns job control and the
 * terminal's Ctrl-C reaches its foreground job.
 */
final class TerminalSteps {
    private TerminalSteps() {
    }

    static void emit(Emit e) {
        ProcessSpec p = e.spec().process();
        List<Stdio> streams = List.of(p.stdin(), p.stdout(), p.stderr());
        int fd = streams.indexOf(Stdio.terminal());
        if (fd < 0 && !p.newSession()) {
            return;
        }
        e.add(Step.of("start a new session (leave the JVM's and its terminal)", "setsid"));
        if (fd < 0) {
            return;
        }
        e.add(Step.of("make the terminal the controlling terminal", "ioctl", new Arg.Word(fd),
                Arg.flags(Flags.TIOCSCTTY), new Arg.Word(0)));
    }
}
