package dev.panamax.sys;

import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Names and descriptions of {@code errno} values.
 *
 * <pre>{@code
 * Errno.name(2);       // "ENOENT"
 * Errno.describe(2);   // "No such file or directory"
 * Errno.number("EPERM"); // 1
 * }</pre>
 *
 * <p>The table is the E* constants that jextract generated from {@code <errno.h>}, written out in a
 * resource (so that naming an errno needs no native access) and pinned to the bindings by a test.
 */
public final class Errno {
    // Aliases share a number; these are the names glibc's strerrorname_np reports for them.
    private static final Set<String> PREFERRED = Set.of("EAGAIN", "EDEADLK", "EOPNOTSUPP");

    private static final Map<Integer, String> NAMES;
    private static final Map<String, Integer> NUMBERS;

    static {
        Map<Integer, String> names = new HashMap<>();
        Map<String, Integer> numbers = new HashMap<>();
        table().forEach((name, value) -> {
            numbers.put(name, value);
            names.merge(value, name, Errno::choose);
        });
        NAMES = Collections.unmodifiableMap(names);
        NUMBERS = Collections.unmodifiableMap(numbers);
    }

    private Errno() {}

    /** The {@code name<TAB>number} lines of {@code errno.tsv} ({@code #} starts a comment). */
    static Map<String, Integer> table() {
        Map<String, Integer> table = new HashMap<>();
        try (InputStream in = Errno.class.getResourceAsStream("errno.tsv")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/panamax/sys/errno.tsv is missing");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] fields = line.split("\t");
                    table.put(fields[0], Integer.parseInt(fields[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading dev/panamax/sys/errno.tsv", e);
        }
        return table;
    }

    // Deterministic whatever order the table is read in.
    private static String choose(String a, String b) {
        if (PREFERRED.contains(a) != PREFERRED.contains(b)) {
            return PREFERRED.contains(a) ? a : b;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * {@return the symbolic name of {@code errno}, e.g. {@code "ENOENT"}, or {@code "E<number>"} if unknown}
     *
     * @param errno an errno value
     */
    public static String name(int errno) {
        String name = NAMES.get(errno);
        return name != null ? name : "E" + errno;
    }

    /**
     * The symbolic name whose {@code strerror} text is {@code description} (the reason the JDK puts in a
     * {@code FileSystemException}), e.g. {@code "Device or resource busy"} to {@code "EBUSY"}.
     *
     * @param description a {@code strerror} text
     * @return the name, or empty if no errno has that text
     */
    public static java.util.Optional<String> byDescription(String description) {
        return java.util.Optional.ofNullable(Descriptions.NAMES.get(description));
    }

    /** strerror texts to names, built on first use (one strerror call per errno). */
    private static final class Descriptions {
        static final Map<String, String> NAMES;

        static {
            Map<String, String> byText = new HashMap<>();
            Errno.NAMES.forEach((number, name) -> byText.merge(describe(number), name, Errno::choose));
            NAMES = Collections.unmodifiableMap(byText);
        }
    }

    /**
     * {@return the C library's {@code strerror} text for {@code errno}}
     *
     * @param errno an errno value
     */
    public static String describe(int errno) {
        return Libc.strerror(errno);
    }

    /**
     * The number of a symbolic errno name.
     *
     * @param name a name such as {@code "ENOENT"}
     * @return its number on this platform
     * @throws IllegalArgumentException if {@code name} is not an errno name of this platform
     */
    public static int number(String name) {
        Integer n = NUMBERS.get(name);
        if (n == null) {
            throw new IllegalArgumentException("name: not an errno name: " + name);
        }
        return n;
    }

    /** {@return every known symbolic name (aliases included), unmodifiable} */
    public static Set<String> names() {
        return NUMBERS.keySet();
    }
}
