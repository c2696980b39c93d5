package dev.panamax.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One user's allotment in {@code /etc/subuid} or {@code /etc/subgid} (lines {@code owner:first:count}, the
 * owner a name or a numeric uid), read so that the parent can say which range the file refuses before
 * {@code newuidmap} says only "Operation not permitted".
 *
 * <pre>{@code
 * SubordinateIds subuid = SubordinateIds.read(Path.of("/etc/subuid"), "alice", 1000);
 * subuid.covers(100000, 65536);   // true for "alice:100000:65536"
 * }</pre>
 *
 * @param file   the file read (for messages)
 * @param user   the user's name
 * @param ranges the user's ranges, sorted by first id
 */
record SubordinateIds(Path file, String user, List<Range> ranges) {

    /** {@code count} ids from {@code first}. */
    record Range(long first, long count) {
        long last() {
            return first + count - 1;
        }

        @Override
        public String toString() {
            return first + "-" + last();
        }
    }

    SubordinateIds {
        ranges = ranges.stream().sorted(Comparator.comparingLong(Range::first)).toList();
    }

    /** The allotment of {@code user} (or of its numeric {@code uid}); a missing file is an empty allotment. */
    static SubordinateIds read(Path file, String user, long uid) {
        try {
            return parse(file, Files.readString(file), user, uid);
        } catch (NoSuchFileException e) {
            return new SubordinateIds(file, user, List.of());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Lines that are blank, comments or malformed are skipped, as shadow's own parser does. */
    static SubordinateIds parse(Path file, String text, String user, long uid) {
        List<Range> mine = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split(":");
            if (f.length != 3 || f[0].startsWith("#") || !(f[0].equals(user) || f[0].equals(Long.toString(uid)))) {
                continue;
            }
            try {
                long first = Long.parseLong(f[1]);
                long count = Long.parseLong(f[2]);
                if (first >= 0 && count > 0) {
                    mine.add(new Range(first, count));
                }
            } catch (NumberFormatException malformed) {
                // shadow ignores such a line too
            }
        }
        return new SubordinateIds(file, user, mine);
    }

    /** True when every id of {@code first..first+count-1} lies in the allotment (adjacent lines join up). */
    boolean covers(long first, long count) {
        long next = first;
        long last = first + count - 1;
        for (Range r : ranges) {
            if (r.first() <= next && r.last() >= next) {
                next = r.last() + 1;
                if (next > last) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code 100000-165535, 200000-200999}, or {@code no entry}. */
    String describe() {
        return ranges.isEmpty() ? "no entry" : ranges.stream().map(Range::toString).collect(Collectors.joining(", "));
    }
}
