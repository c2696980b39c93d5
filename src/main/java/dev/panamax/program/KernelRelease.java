package dev.panamax.program;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The release of the kernel a spec launches on, for the few steps whose form depends on it (an overlay of
 * more layers than one {@code fsconfig} value holds: {@code lowerdir+} from Linux 6.8, {@code mount(2)}
 * before). The one place Panamax reads the running kernel's release ({@link Host#current()} holds it).
 *
 * <pre>{@code
 * KernelRelease.parse("6.1.0-27-amd64").atLeast(6, 8)   // false
 * }</pre>
 *
 * @param release the release as the kernel names it ({@code uname -r}), or {@code unknown}
 * @param major   its major version, -1 when unknown
 * @param minor   its minor version, -1 when unknown
 */
public record KernelRelease(String release, int major, int minor) {

    /**
     * A release not known (not readable, or not {@code MAJOR.MINOR...}): taken as a recent kernel, so a
     * compile does what it did before it read the release.
     */
    public static final KernelRelease UNKNOWN = new KernelRelease("unknown", -1, -1);

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    public KernelRelease {
        java.util.Objects.requireNonNull(release, "release");
    }

    /**
     * The release {@code uname -r} prints, such as {@code 6.1.0-27-amd64} or {@code 6.18.0}.
     *
     * @param release the kernel's release string
     * @return its major and minor version, or {@link #UNKNOWN} when it does not start with them
     */
    public static KernelRelease parse(String release) {
        String r = release.strip();
        Matcher m = VERSION.matcher(r);
        if (!m.find()) {
            return UNKNOWN;
        }
        try {
            return new KernelRelease(r, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (NumberFormatException tooLong) {
            return UNKNOWN;
        }
    }

    /** This machine's release ({@code /proc/sys/kernel/osrelease}), read once; {@link #UNKNOWN} if unreadable. */
    static KernelRelease running() {
        return Running.RELEASE;
    }

    private static final class Running {
        static final KernelRelease RELEASE = read(Path.of("/proc/sys/kernel/osrelease"));

        private static KernelRelease read(Path file) {
            try {
                // readAllLines: a sysctl file may give a short first read (see Host.readLastCap)
                return parse(Files.readAllLines(file).getFirst());
            } catch (IOException | RuntimeException e) {
                return UNKNOWN;
            }
        }
    }

    /** Whether the release is not known ({@link #UNKNOWN}). */
    public boolean unknown() {
        return major < 0;
    }

    /**
     * Whether this kernel is {@code major.minor} or later; an unknown release is taken as a recent one.
     *
     * @param major the major version
     * @param minor the minor version
     * @return whether a feature that came with {@code major.minor} is there
     */
    public boolean atLeast(int major, int minor) {
        return unknown() || this.major > major || (this.major == major && this.minor >= minor);
    }

    @Override
    public String toString() {
        return release;
    }
}
