package dev.panamax;

import dev.panamax.cgroup.CgroupPath;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What another process needs to start and control a {@link CreatedContainer}, as a value that can be persisted:
 * the waiting process's pid, its start time (field 22 of {@code /proc/PID/stat}, in clock ticks since boot, so
 * that a recycled pid is never taken for it), its start FIFO and, for a container with a cgroup, where that
 * cgroup is. {@link #text()} is one line; {@link #parse} reads it back.
 *
 * <pre>{@code
 * String saved = created.startRecord().text();
 * // "panamax-created pid=4242 start=123456 cgroup=/panamax/web cgroup-parent=/panamax fifo=/run/..."
 * Launcher.start(StartRecord.parse(saved));       // later, in any process of the same user
 * Launcher.control(StartRecord.parse(saved)).destroy();
 * }</pre>
 *
 * @param pid       the created container's pid (in the creator's PID namespace)
 * @param startTime its start time in clock ticks since boot, as {@code /proc/PID/stat} shows it
 * @param fifo      its start FIFO, an absolute path
 * @param cgroup    its cgroup (the same path in every hierarchy of the host where it has a directory), or empty
 *                  for a container without one
 */
public record StartRecord(long pid, long startTime, Path fifo, Optional<CgroupPath> cgroup) {
    private static final String PREFIX = "panamax-created";

    /**
     * A record of a container without a cgroup.
     *
     * @param pid       the created container's pid
     * @param startTime its start time in clock ticks since boot
     * @param fifo      its start FIFO, an absolute path
     * @throws IllegalArgumentException as the canonical constructor
     */
    public StartRecord(long pid, long startTime, Path fifo) {
        this(pid, startTime, fifo, Optional.empty());
    }

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException for a pid or start time below 1, or a FIFO path that is not absolute
     */
    public StartRecord {
        java.util.Objects.requireNonNull(cgroup, "cgroup");
        if (pid < 1) {
            throw new IllegalArgumentException("pid: must be positive, got " + pid);
        }
        if (startTime < 0) {
            throw new IllegalArgumentException("startTime: must not be negative, got " + startTime);
        }
        if (fifo == null || !fifo.isAbsolute()) {
            throw new IllegalArgumentException("fifo: must be an absolute path, got " + fifo);
        }
    }

    /**
     * The record as one line of text.
     *
     * @return {@code panamax-created pid=N start=T [cgroup=PATH cgroup-parent=PARENT] fifo=PATH}: the cgroup
     *         fields only for a container with a cgroup; the FIFO last (its path may hold spaces)
     */
    public String text() {
        return PREFIX + " pid=" + pid + " start=" + startTime
                + cgroup.map(c -> " cgroup=" + c.path() + " cgroup-parent=" + c.parent()).orElse("")
                + " fifo=" + fifo;
    }

    /**
     * Reads a record written by {@link #text()}.
     *
     * @param text the line (surrounding white space is ignored)
     * @return the record
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public static StartRecord parse(String text) {
        String line = text.strip();
        int fifoAt = line.indexOf(" fifo=");
        String[] parts = (fifoAt < 0 ? line : line.substring(0, fifoAt)).split(" ");
        if (fifoAt < 0 || !(parts.length == 3 || parts.length == 5) || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("start record: expected \"" + PREFIX
                    + " pid=N start=T [cgroup=PATH cgroup-parent=PARENT] fifo=PATH\", got " + parts.length
                    + " fields before fifo=" + (fifoAt < 0 ? " (no fifo= field)" : ""));
        }
        Optional<CgroupPath> cgroup = Optional.empty();
        if (parts.length == 5) {
            String path = field(parts[3], "cgroup");
            String parent = field(parts[4], "cgroup-parent");
            String below = parent.equals("/") ? "/" : parent + "/";
            if (!path.startsWith(below)) {
                throw new IllegalArgumentException("start record: field cgroup=" + path + " is not below cgroup-parent="
                        + parent);
            }
            cgroup = Optional.of(new CgroupPath(parent, path.substring(below.length())));
        }
        return new StartRecord(number(parts[1], "pid"), number(parts[2], "start"),
                Path.of(line.substring(fifoAt + " fifo=".length())), cgroup);
    }

    private static String field(String part, String name) {
        if (!part.startsWith(name + "=")) {
            throw new IllegalArgumentException("start record: expected field " + name + "=");
        }
        return part.substring(name.length() + 1);
    }

    private static long number(String part, String name) {
        try {
            return Long.parseLong(field(part, name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("start record: field " + name + " is not a number", e);
        }
    }
}
