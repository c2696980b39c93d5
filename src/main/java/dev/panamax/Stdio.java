package dev.panamax;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one standard stream of the container's process goes, like {@link ProcessBuilder.Redirect}.
 *
 * <pre>{@code
 * ContainerSpec.builder().command("sh", "-c", "echo hi")
 *     .stdout(Stdio.pipe())                   // read it from Container.stdout()
 *     .stderr(Stdio.file(Path.of("err.log"))) // truncate and write
 *     .stdin(Stdio.discard())                 // /dev/null
 *     .build();
 * ContainerSpec.builder().command("make")
 *     .stdout(Stdio.pipe())
 *     .stderr(Stdio.mergeWithStdout())        // like ProcessBuilder.redirectErrorStream(true)
 *     .build();
 * ContainerSpec.builder().command("sh", "-i")
 *     .terminal(true)                         // stdin, stdout, stderr: a pseudo-terminal; see Container.terminal()
 *     .build();
 * }</pre>
 */
public sealed interface Stdio {

    /** {@return the JVM's own stream (the default)} */
    static Stdio inherit() {
        return Inherit.INSTANCE;
    }

    /**
     * {@return a pipe to the JVM} Read or write it as {@link Container#stdin()}, {@link Container#stdout()},
     * {@link Container#stderr()}.
     */
    static Stdio pipe() {
        return Pipe.INSTANCE;
    }

    /** {@return {@code /dev/null} of the host} */
    static Stdio discard() {
        return Discard.INSTANCE;
    }

    /**
     * {@return a host file: read for stdin; created or truncated for stdout and stderr}
     *
     * @param path the file
     */
    static Stdio file(Path path) {
        return new File(path, false);
    }

    /**
     * {@return a host file, created if missing and appended to (stdout and stderr)}
     *
     * @param path the file
     */
    static Stdio append(Path path) {
        return new File(path, true);
    }

    /**
     * The slave side of a pseudo-terminal the launch allocates (one per container, shared by every stream
     * that asks for it); the JVM gets the master side as {@link Container#terminal()}. The container's
     * process becomes a session leader with this terminal as its controlling terminal, so job control
     * and Ctrl-C work as in a login shell. Usually set for all three streams with
     * {@link ContainerSpec.Builder#terminal(boolean)}.
     *
     * @return the terminal
     */
    static Stdio terminal() {
        return Pty.INSTANCE;
    }

    /**
     * Standard error only: the same open file as standard output, whatever that is (a pipe, a file, the
     * JVM's, the terminal), like {@link ProcessBuilder#redirectErrorStream(boolean)}. With a piped stdout
     * both streams arrive interleaved on {@link Container#stdout()}.
     *
     * @return the merge of stderr into stdout
     */
    static Stdio mergeWithStdout() {
        return MergeWithStdout.INSTANCE;
    }

    /**
     * The same redirect as a {@link ProcessBuilder.Redirect}: {@code PIPE}, {@code INHERIT}, {@code DISCARD},
     * {@code from(file)}, {@code to(file)}, {@code appendTo(file)}. A file's direction follows the stream
     * it is given to, as with {@link #file(Path)}: the builder's {@code stdin(Redirect)},
     * {@code stdout(Redirect)} and {@code stderr(Redirect)} refuse a redirect of the wrong direction.
     *
     * @param redirect a redirect of {@link ProcessBuilder}
     * @return the equivalent stream
     */
    static Stdio from(ProcessBuilder.Redirect redirect) {
        if (redirect.equals(ProcessBuilder.Redirect.DISCARD)) {
            return discard();
        }
        return switch (redirect.type()) {
            case PIPE -> pipe();
            case INHERIT -> inherit();
            case READ, WRITE -> file(redirect.file().toPath());
            case APPEND -> append(redirect.file().toPath());
        };
    }

    /** See {@link Stdio#inherit()}. */
    enum Inherit implements Stdio {
        /** The only value. */
        INSTANCE
    }

    /** See {@link Stdio#pipe()}. */
    enum Pipe implements Stdio {
        /** The only value. */
        INSTANCE
    }

    /** See {@link Stdio#discard()}. */
    enum Discard implements Stdio {
        /** The only value. */
        INSTANCE
    }

    /** See {@link Stdio#mergeWithStdout()}. */
    enum MergeWithStdout implements Stdio {
        /** The only value. */
        INSTANCE
    }

    /** See {@link Stdio#terminal()}. */
    enum Pty implements Stdio {
        /** The only value. */
        INSTANCE
    }

    /**
     * See {@link Stdio#file(Path)} and {@link Stdio#append(Path)}.
     *
     * @param path   the host file
     * @param append whether output is appended rather than truncating the file
     */
    record File(Path path, boolean append) implements Stdio {
        /** Requires a path. */
        public File {
            Objects.requireNonNull(path, "path");
        }
    }
}
