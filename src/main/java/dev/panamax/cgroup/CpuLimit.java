package dev.panamax.cgroup;

import dev.panamax.spec.InvalidSpecException;

import java.time.Duration;

/**
 * A CPU bandwidth limit: at most {@code quotaMicros} of CPU time in every {@code periodMicros}
 * (v2 {@code cpu.max}, v1 {@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us}).
 *
 * <pre>{@code
 * CpuLimit fifth = CpuLimit.cores(0.2);                        // 20 ms every 100 ms
 * CpuLimit two = CpuLimit.of(Duration.ofMillis(200), Duration.ofMillis(100));
 * }</pre>
 *
 * @param quotaMicros CPU time allowed per period, at least 1000 µs (the kernel's minimum)
 * @param periodMicros the period, 1000 µs to 1 s
 */
public record CpuLimit(long quotaMicros, long periodMicros) {

    /** The period used by {@link #cores(double)}, as in the kernel's default. */
    public static final long DEFAULT_PERIOD_MICROS = 100_000;

    /**
     * Checks the limit against the kernel's bounds.
     *
     * @throws InvalidSpecException naming the field and the kernel's bounds
     */
    public CpuLimit {
        if (periodMicros < 1_000 || periodMicros > 1_000_000) {
            throw new InvalidSpecException("cpu.period", "must be 1000..1000000 µs, got " + periodMicros);
        }
        if (quotaMicros < 1_000) {
            throw new InvalidSpecException("cpu.quota", "must be at least 1000 µs, got " + quotaMicros);
        }
    }

    /**
     * A limit of {@code cores} CPUs' worth of time (0.5 = half of one CPU, 2 = two CPUs), over a 100 ms period.
     *
     * @param cores CPUs' worth of time, at least 0.01
     * @return the limit
     * @throws InvalidSpecException if {@code cores} is not positive or is below 0.01
     */
    public static CpuLimit cores(double cores) {
        if (!(cores > 0) || Double.isInfinite(cores)) {
            throw new InvalidSpecException("cpu", "cores must be positive, got " + cores);
        }
        long quota = Math.round(cores * DEFAULT_PERIOD_MICROS);
        if (quota < 1_000) {
            throw new InvalidSpecException("cpu", "cores must be at least 0.01, got " + cores);
        }
        return new CpuLimit(quota, DEFAULT_PERIOD_MICROS);
    }

    /**
     * A limit of {@code quota} CPU time per {@code period}, both with microsecond precision.
     *
     * @param quota  CPU time allowed per period, at least 1 ms
     * @param period the period, 1 ms to 1 s
     * @return the limit
     * @throws InvalidSpecException naming the field and the kernel's bounds
     */
    public static CpuLimit of(Duration quota, Duration period) {
        return new CpuLimit(quota.toNanos() / 1_000, period.toNanos() / 1_000);
    }

    /** {@return the limit in CPUs: quota divided by period} */
    public double cores() {
        return (double) quotaMicros / periodMicros;
    }
}
