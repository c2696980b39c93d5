package dev.panamax;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The JVM's side (the master) of a container's pseudo-terminal: what a terminal emulator or an ssh server
 * holds. Bytes written to {@link #input()} are typed keys (the terminal's line discipline turns
 * {@code 0x03} into SIGINT for the container's foreground job); {@link #output()} is what the container
 * prints, with the terminal's newline translation ({@code \r\n}).
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder().rootfs(root).command("sh", "-i").terminal(true).build();
 * try (Container c = Launcher.launch(spec)) {
 *     Terminal t = c.terminal();
 *     t.resize(24, 80);
 *     t.input().write("echo hi; exit\n".getBytes());
 *     t.output().transferTo(System.out);   // ends when the last process holding the terminal exits
 * }
 * }</pre>
 *
 * <p>The terminal is a host pseudo-terminal ({@link #name()} is its host path, such as {@code /dev/pts/3}),
 * passed to the container as an open descriptor, as {@code docker run -t} does: it works whatever the
 * container's {@code /dev} holds, but {@code tty} inside may report "not a tty" when the container has no
 * {@code /dev/pts} of its own ({@code isatty} is true all the same).
 */
public interface Terminal {

    /** {@return a stream for typed input: written to the terminal master} */
    OutputStream input();

    /** {@return the container's terminal output; it ends (EOF) once no process holds the terminal open} */
    InputStream output();

    /**
     * Sets the window size (TIOCSWINSZ); the container's foreground job gets SIGWINCH.
     *
     * @param rows    lines of text
     * @param columns characters per line
     */
    void resize(int rows, int columns);

    /** {@return the host path of the terminal's slave side, for messages} */
    String name();

    /**
     * Hands the master to another process, as an OCI runtime's {@code --console-socket} does: connects to the
     * unix socket, sends the master with {@code SCM_RIGHTS} and {@link #name()} as the message (runc's
     * {@code SendFile}), and closes this JVM's copy: {@link #input()} and {@link #output()} are closed from then
     * on, and the receiver alone holds the master.
     *
     * @param consoleSocket the path of a listening {@code SOCK_STREAM} unix socket
     * @throws IllegalStateException if the terminal is closed already
     * @throws dev.panamax.sys.ErrnoException if {@code connect} or {@code sendmsg} fails (naming the socket);
     *         the terminal then stays open
     */
    void sendTo(java.nio.file.Path consoleSocket);
}
