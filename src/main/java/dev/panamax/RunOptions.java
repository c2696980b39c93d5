package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.spec.InvalidSpecException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Launcher#run(ContainerSpec, RunOptions)} runs a container to its end: a wall-clock limit, what
 * standard input holds, and how much standard output and error it keeps.
 *
 * <pre>{@code
 * RunOptions o = RunOptions.builder()
 *     .timeout(Duration.ofSeconds(2))            // then every process of the container is killed
 *     .stdin("3 4\n".getBytes())                 // or stdin(Path); default: empty (/dev/null)
 *     .outputLimit(DataSize.ofKilobytes(64))     // kept per stream; the rest is read, counted and dropped
 *     .endOnOutputLimit(true)                    // or kill the container at the first dropped byte
 *     .build();
 * }</pre>
 *
 * <p>The wall-clock limit is an option of the run, not of the {@link ContainerSpec} (where nsjail puts its
 * {@code --time_limit}): a spec says what the container is and compiles into the child's program, while the
 * limit is enforced by whoever waits for the end, here the JVM, which then kills the container's cgroup or
 * PID namespace. A container from {@link Launcher#launch} has no such waiter; its caller bounds the wait with
 * {@link Container#waitFor(Duration)}.
 */
public final class RunOptions {
    /** The most a stream can keep: output is held in the heap. */
    public static final long MAX_OUTPUT_LIMIT = 1L << 30;
    /** What each stream keeps unless told otherwise: 16 MiB. */
    public static final long DEFAULT_OUTPUT_LIMIT = 16L << 20;

    private final Duration timeout;
    private final byte[] stdinBytes;
    private final Path stdinFile;
    private final long stdoutLimit;
    private final long stderrLimit;
    private final boolean endOnOutputLimit;

    private RunOptions(Builder b) {
        this.timeout = b.timeout;
        this.stdinBytes = b.stdinBytes;
        this.stdinFile = b.stdinFile;
        this.stdoutLimit = b.stdoutLimit;
        this.stderrLimit = b.stderrLimit;
        this.endOnOutputLimit = b.endOnOutputLimit;
    }

    /**
     * A builder with the defaults: no time limit, empty stdin, {@value #DEFAULT_OUTPUT_LIMIT} bytes kept per
     * stream, the excess dropped without ending the run.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The options with their defaults (see {@link #builder()}).
     *
     * @return the default options
     */
    public static RunOptions defaults() {
        return builder().build();
    }

    /**
     * The wall-clock limit, counted from the exec of the command.
     *
     * @return the limit, or empty for none
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * The bytes written to the command's standard input (which is then closed).
     *
     * @return a copy of the bytes, or empty when stdin is a file or empty
     */
    public Optional<byte[]> stdinBytes() {
        return Optional.ofNullable(stdinBytes).map(byte[]::clone);
    }

    /**
     * The host file the command reads as standard input.
     *
     * @return the file, or empty when stdin is bytes or empty
     */
    public Optional<Path> stdinFile() {
        return Optional.ofNullable(stdinFile);
    }

    /**
     * The bytes of standard output kept in the result.
     *
     * @return the limit in bytes
     */
    public long stdoutLimit() {
        return stdoutLimit;
    }

    /**
     * The bytes of standard error kept in the result.
     *
     * @return the limit in bytes
     */
    public long stderrLimit() {
        return stderrLimit;
    }

    /**
     * Whether the first byte beyond a limit kills the container ({@link RunResult.Ending#OUTPUT_LIMIT}).
     *
     * @return true to end the run at the limit, false to drop and count the excess
     */
    public boolean endOnOutputLimit() {
        return endOnOutputLimit;
    }

    /** Collects the options; {@link #build()} makes them. Each setter checks its value at once. */
    public static final class Builder {
        private Duration timeout;
        private byte[] stdinBytes;
        private Path stdinFile;
        private long stdoutLimit = DEFAULT_OUTPUT_LIMIT;
        private long stderrLimit = DEFAULT_OUTPUT_LIMIT;
        private boolean endOnOutputLimit;

        private Builder() {
        }

        /**
         * Kills every process of the container once this much time has passed since the exec.
         *
         * @param limit a positive duration, or null for none
         * @return this builder
         * @throws InvalidSpecException (field {@code timeout}) for zero or a negative duration
         */
        public Builder timeout(Duration limit) {
            if (limit != null && (limit.isZero() || limit.isNegative())) {
                throw new InvalidSpecException("timeout", "must be positive, got " + limit);
            }
            this.timeout = limit;
            return this;
        }

        /**
         * Standard input holds these bytes, then end of file (a thread writes them; a program that stops
         * reading does not hold up the run).
         *
         * @param bytes the input, copied
         * @return this builder
         */
        public Builder stdin(byte[] bytes) {
            this.stdinBytes = Objects.requireNonNull(bytes, "stdin").clone();
            this.stdinFile = null;
            return this;
        }

        /**
         * Standard input is this host file, opened for reading at launch.
         *
         * @param file the file
         * @return this builder
         */
        public Builder stdin(Path file) {
            this.stdinFile = Objects.requireNonNull(file, "stdin");
            this.stdinBytes = null;
            return this;
        }

        /**
         * Keeps at most {@code limit} of standard output and as much of standard error.
         *
         * @param limit the bytes kept per stream
         * @return this builder
         * @throws InvalidSpecException (field {@code outputLimit}) beyond {@value #MAX_OUTPUT_LIMIT} bytes
         */
        public Builder outputLimit(DataSize limit) {
            return stdoutLimit(limit).stderrLimit(limit);
        }

        /**
         * Keeps at most {@code limit} of standard output.
         *
         * @param limit the bytes kept
         * @return this builder
         * @throws InvalidSpecException (field {@code stdoutLimit}) beyond {@value #MAX_OUTPUT_LIMIT} bytes
         */
        public Builder stdoutLimit(DataSize limit) {
            this.stdoutLimit = checkLimit("stdoutLimit", limit);
            return this;
        }

        /**
         * Keeps at most {@code limit} of standard error.
         *
         * @param limit the bytes kept
         * @return this builder
         * @throws InvalidSpecException (field {@code stderrLimit}) beyond {@value #MAX_OUTPUT_LIMIT} bytes
         */
        public Builder stderrLimit(DataSize limit) {
            this.stderrLimit = checkLimit("stderrLimit", limit);
            return this;
        }

        /**
         * {@code true}: the first byte beyond a limit kills the container and the run ends with
         * {@link RunResult.Ending#OUTPUT_LIMIT}; {@code false} (the default): the excess is read, counted and
         * dropped, and the program runs on.
         *
         * @param on whether a limit ends the run
         * @return this builder
         */
        public Builder endOnOutputLimit(boolean on) {
            this.endOnOutputLimit = on;
            return this;
        }

        private static long checkLimit(String field, DataSize limit) {
            long bytes = Objects.requireNonNull(limit, field).bytes();
            if (bytes > MAX_OUTPUT_LIMIT) {
                throw new InvalidSpecException(field, "is " + limit + ", at most 1 GiB is kept (in the heap)");
            }
            return bytes;
        }

        /**
         * The options.
         *
         * @return the options set so far, with the defaults for the rest
         */
        public RunOptions build() {
            return new RunOptions(this);
        }
    }
}
