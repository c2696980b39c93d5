package dev.panamax.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process named by its pid and start time (field 22 of {@code /proc/PID/stat}, clock ticks since boot), so
 * that a recycled pid is never taken for the process that held a lease.
 *
 * @param pid       the pid, in this JVM's PID namespace
 * @param startTime its start time
 */
record ProcessStart(long pid, long startTime) {
    /** This JVM. */
    static final ProcessStart SELF = of(ProcessHandle.current().pid()).orElseThrow();

    /** {@code PID START}, as a lease file holds it. */
    @Override
    public String toString() {
        return pid + " " + startTime;
    }

    /** Reads {@code PID START}; null when malformed. */
    static ProcessStart parse(String text) {
        String[] words = text.split(" ");
        if (words.length != 2 || !words[0].matches("[0-9]{1,10}") || !words[1].matches("[0-9]{1,19}")) {
            return null;
        }
        return new ProcessStart(Long.parseLong(words[0]), Long.parseLong(words[1]));
    }

    /** {@return the process with this pid now, if there is one} */
    static java.util.Optional<ProcessStart> of(long pid) {
        OptionalLong start = startTime(pid);
        return start.isPresent() ? java.util.Optional.of(new ProcessStart(pid, start.getAsLong()))
                : java.util.Optional.empty();
    }

    /**
     * {@return true while this process runs (a zombie counts: its pid is not free yet), and when its
     * {@code /proc} file cannot be read for another reason: a lease is never taken from a process that may live}
     */
    boolean alive() {
        try {
            return startTime(pid).equals(OptionalLong.of(startTime));
        } catch (UncheckedIOException e) {
            return true;
        }
    }

    /** The start time, empty when there is no such process; an error other than "no such file" is thrown. */
    private static OptionalLong startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/" + pid + "/stat", e);
        }
        // the command name, in parentheses, may hold blanks and ')': the fields start after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return OptionalLong.of(Long.parseLong(fields[19]));
    }
}
