package dev.panamax;

/**
 * A resource limit of {@code setrlimit(2)}, with its kernel number ({@code asm-generic/resource.h}).
 *
 * <pre>{@code
 * ContainerSpec.builder()
 *     .rlimit(Rlimit.NOFILE, 1024, 4096)          // soft, hard
 *     .rlimit(Rlimit.CORE, 0, 0)
 *     .rlimit(Rlimit.AS, Rlimit.UNLIMITED, Rlimit.UNLIMITED)
 *     ...
 * }</pre>
 */
public enum Rlimit {
    /** CPU time in seconds (SIGXCPU at the soft limit, SIGKILL at the hard one). */
    CPU(0),
    /** Largest file the process may create, in bytes (SIGXFSZ beyond). */
    FSIZE(1),
    /** Data segment size in bytes. */
    DATA(2),
    /** Main thread's stack size in bytes. */
    STACK(3),
    /** Largest core dump in bytes (0: none). */
    CORE(4),
    /** Resident set size (ignored by current kernels). */
    RSS(5),
    /** Processes (threads) of the real user id; not enforced for uid 0 of the initial user namespace. */
    NPROC(6),
    /** One more than the highest file descriptor number; at most {@code /proc/sys/fs/nr_open}. */
    NOFILE(7),
    /** Locked memory in bytes. */
    MEMLOCK(8),
    /** Address space in bytes. */
    AS(9),
    /** File locks. */
    LOCKS(10),
    /** Queued signals of the real user id. */
    SIGPENDING(11),
    /** Bytes in POSIX message queues of the real user id. */
    MSGQUEUE(12),
    /** Ceiling of the nice value, as {@code 20 - limit}. */
    NICE(13),
    /** Ceiling of the real-time priority. */
    RTPRIO(14),
    /** Microseconds of real-time CPU without a blocking call. */
    RTTIME(15);

    /** {@code RLIM_INFINITY}: no limit. */
    public static final long UNLIMITED = -1L;

    private final int number;

    Rlimit(int number) {
        this.number = number;
    }

    /** {@return the kernel's resource number ({@code RLIMIT_NOFILE} is 7)} */
    public int number() {
        return number;
    }

    /** {@return the name as the kernel headers spell it: {@code RLIMIT_NOFILE}} */
    public String kernelName() {
        return "RLIMIT_" + name();
    }

    /**
     * A soft and a hard limit. {@link #UNLIMITED} is {@code RLIM_INFINITY}; other values are non-negative.
     *
     * @param soft the limit the kernel enforces
     * @param hard the ceiling an unprivileged process may raise the soft limit to
     */
    public record Value(long soft, long hard) {
        /**
         * {@return a limit as {@code prlimit} shows it: a number or {@code unlimited}}
         *
         * @param v a soft or hard limit
         */
        public static String render(long v) {
            return v == UNLIMITED ? "unlimited" : Long.toString(v);
        }
    }
}
