package dev.panamax.launch;

import dev.panamax.ProcessSpec;
import dev.panamax.Stdio;
import dev.panamax.program.Arg;
import dev.panamax.program.ChildFds;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The descriptors behind the three standard streams of one launch: the child's ends (dup'ed onto 0, 1, 2
 * in the child, closed in the parent after the launch) and the parent's ends of pipes.
 */
final class StdioSetup implements AutoCloseable {
    private static final String[] NAMES = {"stdin", "stdout", "stderr"};

    private final Stdio[] streams;
    private final int[] childEnd = {-1, -1, -1};
    private final int[] parentEnd = {-1, -1, -1};
    /** The launch's pseudo-terminal, when a stream is {@link Stdio#terminal()}; handed over by {@link #terminal()}. */
    private PseudoTerminal terminal;

    private StdioSetup(Stdio[] streams) {
        this.streams = streams;
    }

    /** Opens what the spec asks for; on failure closes what it opened and names the stream and path. */
    static StdioSetup open(ProcessSpec process) {
        StdioSetup s = new StdioSetup(new Stdio[] {process.stdin(), process.stdout(), process.stderr()});
        Stdio[] streams = s.streams;
        try {
            for (int n = 0; n < 3; n++) {
                s.open(n, streams[n]);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A standard stream that could not be opened: which one, which host path, and why. */
    static final class OpenFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final String stream;
        final String path;

        OpenFailure(String stream, String path, ErrnoException cause) {
            super(stream + ": cannot open " + path, cause);
            this.stream = stream;
            this.path = path;
        }

        ErrnoException errnoCause() {
            return (ErrnoException) getCause();
        }
    }

    private void open(int n, Stdio stdio) {
        try {
            openUnchecked(n, stdio);
        } catch (ErrnoException e) {
            String path = switch (stdio) {
                case Stdio.File f -> f.path().toString();
                case Stdio.Pty t -> "/dev/ptmx";
                default -> "/dev/null";
            };
            throw new OpenFailure(NAMES[n], path, e);
        }
    }

    private void openUnchecked(int n, Stdio stdio) {
        boolean input = n == 0;
        switch (stdio) {
            case Stdio.Inherit i -> { }
            case Stdio.MergeWithStdout m -> { } // the child dups its fd 1 onto 2 (ExecSteps)
            case Stdio.Discard d -> childEnd[n] = Libc.open("/dev/null",
                    (input ? Abi.O_RDONLY : Abi.O_WRONLY) | Abi.O_CLOEXEC, 0);
            case Stdio.File f -> childEnd[n] = Libc.open(f.path().toString(), input
                    ? Abi.O_RDONLY | Abi.O_CLOEXEC
                    : Abi.O_WRONLY | Abi.O_CREAT | Abi.O_CLOEXEC | (f.append() ? Abi.O_APPEND : Abi.O_TRUNC), 0644);
            case Stdio.Pty t -> {
                if (terminal == null) {
                    terminal = PseudoTerminal.open();
                }
            }
            case Stdio.Pipe p -> {
                int[] pipe = Libc.pipe2(Abi.O_CLOEXEC);
                childEnd[n] = input ? pipe[0] : pipe[1];
                parentEnd[n] = input ? pipe[1] : pipe[0];
            }
        }
    }

    /** The child's end of stream {@code n} as a program argument, or null to inherit the JVM's. */
    Arg.Word childArg(int n) {
        if (terminal != null && streams[n] instanceof Stdio.Pty) {
            return ChildFds.fd(terminal.slave(), NAMES[n] + "_fd");
        }
        return childEnd[n] < 0 ? null : ChildFds.fd(childEnd[n], NAMES[n] + "_fd");
    }

    /** The master side for the container's handle (null without a terminal); the caller owns it from now on. */
    PseudoTerminal terminal() {
        PseudoTerminal t = terminal;
        terminal = null;
        return t;
    }

    /** Closes the child's ends: after the launch, only the container holds them. */
    void closeChildEnds() {
        if (terminal != null) {
            terminal.closeSlave();
        }
        for (int n = 0; n < 3; n++) {
            if (childEnd[n] >= 0) {
                Libc.close(childEnd[n]);
                childEnd[n] = -1;
            }
        }
    }

    /**
     * Hands the parent's pipe ends over as Java streams. The JDK has no public way to wrap a raw
     * descriptor, so each is reopened through /proc/self/fd (same pipe, new open file) and the raw one closed.
     */
    OutputStream stdinStream() {
        return parentEnd[0] < 0 ? RunningContainer.closedOutput() : reopen(0, fd -> new FileOutputStream(fd));
    }

    InputStream stdoutStream() {
        return parentEnd[1] < 0 ? RunningContainer.emptyInput() : reopen(1, FileInputStream::new);
    }

    InputStream stderrStream() {
        return parentEnd[2] < 0 ? RunningContainer.emptyInput() : reopen(2, FileInputStream::new);
    }

    private interface Opener<T> {
        T open(String path) throws IOException;
    }

    private <T> T reopen(int n, Opener<T> opener) {
        try {
            T stream = opener.open("/proc/self/fd/" + parentEnd[n]);
            Libc.close(parentEnd[n]);
            parentEnd[n] = -1;
            return stream;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + NAMES[n] + " pipe", e);
        }
    }

    @Override
    public void close() {
        closeChildEnds();
        if (terminal != null) {
            terminal.close();
            terminal = null;
        }
        for (int n = 0; n < 3; n++) {
            if (parentEnd[n] >= 0) {
                Libc.close(parentEnd[n]);
                parentEnd[n] = -1;
            }
        }
    }
}
