package dev.panamax;

/**
 * How a container's process ended: an exit code or a signal.
 *
 * <pre>{@code
 * ExitStatus s = container.waitFor();
 * if (s.exited() && s.code() == 0) { ... }
 * if (s.signal() == 9) { ... }          // SIGKILL
 * System.out.println(s);                // "exited with code 3" or "killed by signal 9 (SIGKILL)"
 * }</pre>
 *
 * @param code       the exit code, or -1 when a signal ended the process
 * @param signal     the signal number, or 0 when the process exited
 * @param coreDumped whether the kernel dumped core
 * @param oomKilled  whether the kernel's OOM killer ended the container (known with a memory cgroup)
 */
public record ExitStatus(int code, int signal, boolean coreDumped, boolean oomKilled) {

    /**
     * {@return the status of a process that called exit with {@code code}}
     *
     * @param code the exit code, 0..255
     */
    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0, false, false);
    }

    /**
     * {@return the status of a process ended by {@code signal}}
     *
     * @param signal     the signal number
     * @param coreDumped whether the kernel dumped core
     */
    public static ExitStatus killed(int signal, boolean coreDumped) {
        return new ExitStatus(-1, signal, coreDumped, false);
    }

    /** {@return true when the process called exit} */
    public boolean exited() {
        return signal == 0;
    }

    /** {@return the conventional shell encoding: the code, or 128 + signal} */
    public int shellCode() {
        return exited() ? code : 128 + signal;
    }

    /** {@return the same status, marked as the OOM killer's doing} */
    public ExitStatus withOomKilled() {
        return new ExitStatus(code, signal, coreDumped, true);
    }

    @Override
    public String toString() {
        if (exited()) {
            return "exited with code " + code;
        }
        String text = "killed by signal " + signal + " (" + Signals.name(signal) + ")";
        if (coreDumped) {
            text += ", core dumped";
        }
        return oomKilled ? text + ", killed by the OOM killer" : text;
    }

    /** Signal names for messages. */
    static final class Signals {
        private static final String[] NAMES = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

        private Signals() {
        }

        static String name(int signal) {
            return signal > 0 && signal < NAMES.length ? NAMES[signal] : "SIGRT" + (signal - 34);
        }
    }
}
