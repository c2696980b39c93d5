package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
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
 * @param capLastCap the kernel's last capability ({@code /proc/sys/kernel/cap_last_cap})
 */
public record Host(long euid, long egid, int capLastCap) {

    public Host {
        if (euid < 0 || egid < 0 || capLastCap < 0) {
            throw new IllegalArgumentException("negative id or capability: " + euid + ", " + egid + ", " + capLastCap);
        }
    }

    private static final class Current {
        static final Host HOST = new Host(Integer.toUnsignedLong(Libc.geteuid()),
                Integer.toUnsignedLong(Libc.getegid()), readLastCap(Path.of("/proc/sys/kernel/cap_last_cap")));
    }

    /** This machine and this JVM's ids, read on first use. */
    public static Host current() {
        return Current.HOST;
    }

    /** Whether the launcher runs as root. */
    public boolean root() {
        return euid == 0;
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
