package dev.panamax.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command's log, in runc's two formats (logrus): {@code text}, {@code time="..." level=error msg="..."},
 * and {@code json}, {@code {"level":"error","msg":"...","time":"..."}}. containerd-shim and conmon pass
 * {@code --log FILE --log-format json} and read the last error back from the file when a command fails, so the
 * fields and their names are runc's.
 */
final class Log implements AutoCloseable {
    /** The levels the command writes, lowest first. */
    enum Level {
        DEBUG, INFO, WARNING, ERROR;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code --log-format}'s values. */
    enum Format {
        TEXT, JSON
    }

    private final PrintStream sink;
    private final boolean toStderr;
    private final Format format;
    private final boolean debug;

    private Log(PrintStream sink, boolean toStderr, Format format, boolean debug) {
        this.sink = sink;
        this.toStderr = toStderr;
        this.format = format;
        this.debug = debug;
    }

    /**
     * The log on the standard error stream (runc's default).
     *
     * @param stderr the standard error stream
     * @param format the line format
     * @param debug  whether debug lines are written
     * @return the log
     */
    static Log toStderr(PrintStream stderr, Format format, boolean debug) {
        return new Log(stderr, true, format, debug);
    }

    /**
     * The log appended to a file, created with mode 0644 if missing (runc: {@code O_APPEND|O_CREAT|O_SYNC}).
     *
     * @param file   the file {@code --log} names
     * @param format the line format
     * @param debug  whether debug lines are written
     * @return the log
     * @throws CliException naming the file when it cannot be opened
     */
    static Log toFile(Path file, Format format, boolean debug) {
        try {
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            return new Log(new PrintStream(out, true, StandardCharsets.UTF_8), false, format, debug);
        } catch (IOException | UnsupportedOperationException e) {
            throw new CliException("--log " + file + ": cannot open: " + e.getMessage());
        }
    }

    /** {@return whether the lines go to the standard error stream} (then an error needs no second copy there) */
    boolean isStderr() {
        return toStderr;
    }

    /**
     * Writes a line unless it is a debug line and {@code --debug} is off.
     *
     * @param level   the level
     * @param message the message
     */
    void write(Level level, String message) {
        if (level == Level.DEBUG && !debug) {
            return;
        }
        sink.println(line(format, level, message, OffsetDateTime.now(ZoneOffset.UTC)));
        sink.flush();
    }

    /**
     * One log line, without its newline.
     *
     * @param format  text or json
     * @param level   the level
     * @param message the message
     * @param time    the time stamp (written to the second, RFC 3339, as logrus does)
     * @return the line
     */
    static String line(Format format, Level level, String message, OffsetDateTime time) {
        String stamp = time.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        if (format == Format.JSON) {
            Map<String, Object> fields = new LinkedHashMap<>(); // logrus writes its fields sorted by name
            fields.put("level", level.label());
            fields.put("msg", message);
            fields.put("time", stamp);
            return Json.compact(fields);
        }
        StringBuilder text = new StringBuilder("time=\"").append(stamp).append("\" level=").append(level.label())
                .append(" msg=");
        Json.quote(text, message);
        return text.toString();
    }

    @Override
    public void close() {
        if (!toStderr) {
            sink.close();
        }
    }
}
