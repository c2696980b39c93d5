package dev.panamax.seccomp;

import dev.panamax.spec.InvalidSpecException;

/**
 * What the kernel does with a system call that a seccomp rule matched: the {@code SECCOMP_RET_*}
 * value the filter returns.
 *
 * <pre>{@code
 * SeccompAction deny = SeccompAction.errno(1);       // ERRNO(EPERM): the call fails with EPERM
 * SeccompAction ok = SeccompAction.ALLOW;
 * int k = deny.encoding();                           // 0x00050001
 * }</pre>
 */
public sealed interface SeccompAction {

    /** {@code SECCOMP_RET_ALLOW}. */
    SeccompAction ALLOW = new Allow();
    /** {@code SECCOMP_RET_KILL_PROCESS}. */
    SeccompAction KILL_PROCESS = new KillProcess();
    /** {@code SECCOMP_RET_KILL_THREAD}. */
    SeccompAction KILL_THREAD = new KillThread();
    /** {@code SECCOMP_RET_TRAP}. */
    SeccompAction TRAP = new Trap();
    /** {@code SECCOMP_RET_LOG}. */
    SeccompAction LOG = new Log();
    /** {@code ERRNO(EPERM)}: the usual answer of a deny-list profile. */
    SeccompAction EPERM = new Errno(1);
    /** {@code ERRNO(ENOSYS)}: the usual default of an allow-list profile (callers fall back). */
    SeccompAction ENOSYS = new Errno(38);

    /** {@return the 32-bit value the BPF filter returns for this action} */
    int encoding();

    /** {@return a readable form: {@code ALLOW}, {@code ERRNO(EPERM)}, {@code KILL_PROCESS}, ...} */
    String render();

    /**
     * The call fails with {@code errno}, without running.
     *
     * @param errno 0..4095, such as 1 for {@code EPERM}
     * @return the action
     * @throws InvalidSpecException if {@code errno} is out of range
     */
    static SeccompAction errno(int errno) {
        return new Errno(errno);
    }

    /** The call runs. */
    record Allow() implements SeccompAction {
        @Override public int encoding() { return 0x7fff0000; }
        @Override public String render() { return "ALLOW"; }
    }

    /**
     * The call is not run and returns {@code -errno}.
     *
     * @param errno 0..4095 ({@code MAX_ERRNO}); the kernel keeps only these bits
     */
    record Errno(int errno) implements SeccompAction {
        /**
         * Checks the range.
         *
         * @throws InvalidSpecException if {@code errno} is out of range
         */
        public Errno {
            if (errno < 0 || errno > 4095) {
                throw new InvalidSpecException("seccomp", "Errno.errno must be in 0..4095 (MAX_ERRNO), was " + errno);
            }
        }
        @Override public int encoding() { return 0x00050000 | errno; }
        @Override public String render() {
            String name = dev.panamax.sys.Errno.name(errno); // "E<n>" when the platform has no name for it
            return "ERRNO(" + (name.equals("E" + errno) ? Integer.toString(errno) : name) + ")";
        }
    }

    /** The whole process is killed by {@code SIGSYS} (with a core dump). */
    record KillProcess() implements SeccompAction {
        @Override public int encoding() { return 0x80000000; }
        @Override public String render() { return "KILL_PROCESS"; }
    }

    /** The calling thread is killed by {@code SIGSYS}. */
    record KillThread() implements SeccompAction {
        @Override public int encoding() { return 0x00000000; }
        @Override public String render() { return "KILL_THREAD"; }
    }

    /** The thread gets {@code SIGSYS} (catchable) and the call is not run. */
    record Trap() implements SeccompAction {
        @Override public int encoding() { return 0x00030000; }
        @Override public String render() { return "TRAP"; }
    }

    /** The call runs and is logged to the audit log. */
    record Log() implements SeccompAction {
        @Override public int encoding() { return 0x7ffc0000; }
        @Override public String render() { return "LOG"; }
    }
}
