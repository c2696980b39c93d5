package dev.panamax;

import java.nio.file.Path;

/**
 * What another process needs to start a {@link CreatedContainer}, as a value that can be persisted: the
 * waiting process's pid, its start time (field 22 of {@code /proc/PID/stat}, in clock ticks since boot, so
 * that a recycled pid is never taken for it) and its start FIFO. {@link #text()} is one line;
 * {@link #parse} reads it back.
 *
 * <pre>{@code
 * String saved = created.startRecord().text();   // "panamax-created pid=4242 start=123456 fifo=/run/..."
 * Launcher.start(StartRecord.parse(saved));       // later, in any process of the same user
 * }</pre>
 *
 * @param pid       the created container's pid (in the creator's PID namespace)
 * @param startTime its start time in clock ticks since boot, as {@code /proc/PID/stat} shows it
 * @param fifo      its start FIFO, an absolute path
 */
public record StartRecord(long pid, long startTime, Path fifo) {
    private static final String PREFIX = "panamax-created";

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException for a pid or start time below 1, or a FIFO path that is not absolute
     */
    public StartRecord {
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
     * @return {@code panamax-created pid=N start=T fifo=PATH}
     */
    public String text() {
        return PREFIX + " pid=" + pid + " start=" + startTime + " fifo=" + fifo;
    }

    /**
     * Reads a record written by {@link #text()}.
     *
     * @param text the line (surrounding white space is ignored)
     * @return the record
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public static StartRecord parse(String text) {
        String[] parts = text.strip().split(" ", 4);
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("start record: expected \"" + PREFIX
                    + " pid=N start=T fifo=PATH\", got " + parts.length + " fields");
        }
        return new StartRecord(number(parts[1], "pid"), number(parts[2], "start"), Path.of(field(parts[3], "fifo")));
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
