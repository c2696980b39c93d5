package dev.panamax;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * How a container run by {@link Launcher#run(ContainerSpec, RunOptions)} ended, what it wrote, and what it
 * used.
 *
 * <pre>{@code
 * RunResult r = Launcher.run(spec, RunOptions.builder().timeout(Duration.ofSeconds(2)).build());
 * switch (r.ending()) {
 *     case EXITED -> System.out.println("exit " + r.status().code() + ": " + r.stdout().text());
 *     case TIMED_OUT -> System.out.println("too slow: " + r.wallTime());
 *     default -> System.out.println(r.ending() + ", " + r.status());
 * }
 * }</pre>
 *
 * @param ending           why the run ended
 * @param status           the first process's status (with a timeout or an output limit: the SIGKILL that
 *                         ended it, unless it had ended just before)
 * @param stdout           standard output (with {@link Stdio#mergeWithStdout()}: both streams, interleaved)
 * @param stderr           standard error (empty when merged into stdout)
 * @param wallTime         from the exec of the command to the reap of the first process
 * @param cpuTime          user plus system CPU time
 * @param cpuAccounting    where {@code cpuTime} comes from
 * @param memoryPeak       the peak memory in bytes
 * @param memoryAccounting where {@code memoryPeak} comes from
 */
public record RunResult(Ending ending, ExitStatus status, Output stdout, Output stderr, Duration wallTime,
                        Duration cpuTime, Accounting cpuAccounting, long memoryPeak,
                        Accounting memoryAccounting) {

    /**
     * Requires every value.
     *
     * @throws NullPointerException for a missing value
     */
    public RunResult {
        Objects.requireNonNull(ending, "ending");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(cpuTime, "cpuTime");
        Objects.requireNonNull(cpuAccounting, "cpuAccounting");
        Objects.requireNonNull(memoryAccounting, "memoryAccounting");
    }

    /** Why a run ended; when several apply, the first of this list in this order. */
    public enum Ending {
        /** The wall-clock limit passed: the run killed every process of the container. */
        TIMED_OUT,
        /** A stream passed its limit with {@link RunOptions#endOnOutputLimit()}: the run killed the container. */
        OUTPUT_LIMIT,
        /** The OOM killer killed a process of the container (known with a memory cgroup, see {@code resources}). */
        OOM_KILLED,
        /** A signal ended the first process. */
        SIGNALLED,
        /** The first process exited, with any code. */
        EXITED
    }

    /** Where a usage figure comes from. */
    public enum Accounting {
        /** The container's cgroup: every process of the container (a spec with {@code resources}). */
        CGROUP,
        /**
         * The reaped first process's {@code rusage}: it and the descendants it waited for (an orphan that
         * the PID namespace's end killed is not counted); peak memory is the largest resident set of one of
         * them, not their sum, and an upper bound: Linux carries the memory a process had before its
         * {@code execve} into {@code ru_maxrss}, and the first process starts in the launching JVM's memory
         * ({@code CLONE_VM}; a forked process starts in a copy of its parent's), so the peak is at least the
         * JVM's resident peak at the launch. {@link #CGROUP} counts the container's own memory only.
         */
        RUSAGE
    }

    /**
     * One captured stream.
     *
     * @param kept    the bytes kept, at most the stream's limit (the array is this record's own)
     * @param dropped the bytes read beyond the limit and dropped
     */
    public record Output(byte[] kept, long dropped) {
        /**
         * Requires the bytes.
         *
         * @throws NullPointerException without bytes
         */
        public Output {
            Objects.requireNonNull(kept, "kept");
        }

        /**
         * The kept bytes as UTF-8 text.
         *
         * @return the text
         */
        public String text() {
            return new String(kept, StandardCharsets.UTF_8);
        }

        /**
         * Whether bytes were dropped.
         *
         * @return true when the stream passed its limit
         */
        public boolean truncated() {
            return dropped > 0;
        }

        @Override
        public String toString() {
            return "Output[" + kept.length + " bytes kept, " + dropped + " dropped]";
        }
    }
}
