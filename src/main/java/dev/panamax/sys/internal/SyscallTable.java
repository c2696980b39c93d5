package dev.panamax.sys.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * System call names and numbers of one architecture, read from a resource that {@code headers/syscall-tables}
 * generates from the kernel's {@code asm/unistd.h} of that architecture ({@code x86_64.tsv}, {@code aarch64.tsv}).
 *
 * <pre>{@code
 * SyscallTable table = SyscallTable.nativeTable();
 * int mount = table.number("mount").orElseThrow();   // 165 on x86-64, 40 on arm64
 * String name = table.name(59).orElseThrow();        // "execve" on x86-64
 * SyscallTable arm64 = SyscallTable.forOsArch("aarch64");
 * }</pre>
 */
public final class SyscallTable {

    /**
     * {@code AUDIT_ARCH_X86_64}, written out (pinned to the bindings by a test) rather than read from them: a
     * spec compiles its seccomp filter when it is built, which must need no native access.
     */
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    /** {@code AUDIT_ARCH_AARCH64} ({@code EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE}), likewise. */
    static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;

    private static final class X86_64 {
        static final SyscallTable TABLE = load("x86_64", AUDIT_ARCH_X86_64, "x86_64.tsv");
    }

    private static final class Aarch64 {
        static final SyscallTable TABLE = load("aarch64", AUDIT_ARCH_AARCH64, "aarch64.tsv");
    }

    private final String arch;
    private final int auditArch;
    private final Map<String, Integer> numbers;
    private final Map<Integer, String> names;

    private SyscallTable(String arch, int auditArch, Map<String, Integer> numbers) {
        this.arch = arch;
        this.auditArch = auditArch;
        this.numbers = Collections.unmodifiableMap(new TreeMap<>(numbers));
        Map<Integer, String> byNumber = new HashMap<>();
        numbers.forEach((name, nr) -> {
            String previous = byNumber.put(nr, name);
            if (previous != null) {
                throw new IllegalStateException(
                        "syscall table " + arch + ": number " + nr + " used by " + previous + " and " + name);
            }
        });
        this.names = Map.copyOf(byNumber);
    }

    /**
     * The table of the architecture this JVM runs on.
     *
     * @return the table of {@code os.arch}
     * @throws UnsupportedOperationException when {@code os.arch} is neither x86-64 nor arm64
     */
    public static SyscallTable nativeTable() {
        return forOsArch(System.getProperty("os.arch"));
    }

    /**
     * The table of the architecture that the {@code os.arch} property (or {@code uname -m}) names {@code osArch}.
     *
     * @param osArch {@code amd64} or {@code x86_64}; {@code aarch64} or {@code arm64}
     * @return that architecture's table
     * @throws UnsupportedOperationException for any other architecture
     */
    public static SyscallTable forOsArch(String osArch) {
        return switch (String.valueOf(osArch)) {
            case "amd64", "x86_64" -> X86_64.TABLE;
            case "aarch64", "arm64" -> Aarch64.TABLE;
            default -> throw new UnsupportedOperationException("no syscall table for os.arch=" + osArch
                    + "; only x86-64 (amd64, x86_64) and arm64 (aarch64, arm64) are supported");
        };
    }

    /** The number of {@code name}, or empty when this architecture has no such call. */
    public OptionalInt number(String name) {
        Integer nr = numbers.get(name);
        return nr == null ? OptionalInt.empty() : OptionalInt.of(nr);
    }

    /** The name of syscall {@code nr}, or empty when the number is unassigned. */
    public Optional<String> name(int nr) {
        return Optional.ofNullable(names.get(nr));
    }

    /** All names and numbers, sorted by name. */
    public Map<String, Integer> all() {
        return numbers;
    }

    /** The {@code AUDIT_ARCH_*} value that the kernel puts in {@code seccomp_data.arch}. */
    public int auditArch() {
        return auditArch;
    }

    /** The architecture name, e.g. {@code "x86_64"}. */
    public String arch() {
        return arch;
    }

    private static SyscallTable load(String arch, int auditArch, String resource) {
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("syscall table resource " + resource + " is missing");
            }
            return new SyscallTable(arch, auditArch, parse(resource, in));
        } catch (IOException e) {
            throw new UncheckedIOException("reading syscall table resource " + resource, e);
        }
    }

    /** Parses {@code name<TAB>number} lines; lines starting with {@code #} are comments. */
    static Map<String, Integer> parse(String source, InputStream in) throws IOException {
        Map<String, Integer> numbers = new HashMap<>();
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNo = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 2) {
                throw new IllegalStateException(source + ":" + lineNo + ": expected name<TAB>number: " + line);
            }
            if (numbers.put(fields[0], Integer.parseInt(fields[1].trim())) != null) {
                throw new IllegalStateException(source + ":" + lineNo + ": duplicate name " + fields[0]);
            }
        }
        return numbers;
    }
}
