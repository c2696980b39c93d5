package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the spec compiler needs to know about the machine it launches on, read once: with a {@code Host}
 * and an {@code Arch}, compiling a spec reads nothing else, so a test can compile a root plan while running
 * unprivileged, or the reverse.
 *
 * <pre>{@code
 * ChildProgram p = SpecCompiler.plan(spec, new Host(1000, 1000, 40), Arch.X86_64);
 * }</pre>
 *
 * @param euid       the launcher's effective uid (unsigned)
 * @param egid       the launcher's effective gid (unsigned)
 * @param capLastCap     the kernel's last capability ({@code /proc/sys/kernel/cap_last_cap})
 * @param ignoredSignals the signals this JVM ignores ({@code SIG_IGN}), bit {@code n - 1} for signal {@code n}
 *                       ({@code SigIgn} in {@code /proc/self/status}): a clone keeps them, and so does execve
 */
public record Host(long euid, long egid, int capLastCap, long ignoredSignals) {

    public Host {
        if (euid < 0 || egid < 0 || capLastCap < 0) {
            throw new IllegalArgumentException("negative id or capability: " + euid + ", " + egid + ", " + capLastCap);
        }
    }

    /** A host whose JVM ignores no signal. */
    public Host(long euid, long egid, int capLastCap) {
        this(euid, egid, capLastCap, 0);
    }

    private static final class Current {
        static final Host HOST = new Host(Integer.toUnsignedLong(Libc.geteuid()),
                Integer.toUnsignedLong(Libc.getegid()), readLastCap(Path.of("/proc/sys/kernel/cap_last_cap")),
                readIgnoredSignals());
    }

    /** This machine and this JVM's ids, read on first use (the ignored signals too: see {@link #forLaunch}). */
    public static Host current() {
        return Current.HOST;
    }

    /**
     * {@link #current()} with the signals the JVM ignores now: any thread may ignore one at any time, so a
     * launch reads them anew (~10 µs) rather than trust the first read.
     */
    public static Host forLaunch() {
        Host h = Current.HOST;
        return new Host(h.euid, h.egid, h.capLastCap, readIgnoredSignals());
    }

    /** Whether the launcher runs as root. */
    public boolean root() {
        return euid == 0;
    }

    /** {@code SigIgn} of {@code /proc/self/status}; every signal if it cannot be read (each then gets reset). */
    static long readIgnoredSignals() {
        try {
            String status = new String(Files.readAllBytes(Path.of("/proc/self/status")), StandardCharsets.ISO_8859_1);
            int field = status.indexOf("\nSigIgn:\t");
            if (field < 0) {
                return -1L;
            }
            int at = field + "\nSigIgn:\t".length();
            return Long.parseUnsignedLong(status, at, status.indexOf('\n', at), 16);
        } catch (IOException | RuntimeException e) {
            return -1L;
        }
    }

    /** {@code /proc/sys/kernel/cap_last_cap}, or the enum's last if it cannot be read. */
    private static int readLastCap(Path file) {
        try {
            // Files.readString returns "4" for this file on JDK 25 (a short first read of a sysctl file)
            return Integer.parseInt(Files.readAllLines(file).getFirst().strip());
        } catch (IOException | RuntimeException e) {
            return Capability.LAST.number();
        }
    }
}
