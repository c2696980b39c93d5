package dev.panamax.program;

import dev.panamax.sys.internal.ArchConstants;
import dev.panamax.sys.internal.Flag;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One argument word of a step, as the compiler means it: a number, or something that lives in native
 * memory (a string, an argv array, a struct, a scratch buffer), or the result of an earlier step.
 * Keeping the meaning (not just the word) is what lets {@code Launcher.plan} print decoded arguments.
 */
public sealed interface Arg {

    /** How the argument reads in a plan. */
    String render();

    /**
     * A plain number, shown as {@code text}. Build one whose text names its value with the factories below
     * ({@link Arg#flags}, {@link Arg#octal}, ...), never from a value and a separately written name. It holds
     * the number on each architecture (a {@link Flag}): the image of a program takes its target's.
     */
    record Word(Flag flag) implements Arg {
        public Word(long value, String text) {
            this(new Flag(text, value));
        }

        public Word(long value) {
            this(value, Long.toString(value));
        }

        /** A value only the launch knows (a descriptor, in a plan), shown as {@code name}. */
        public static Word unknown(String name) {
            return new Word(-1, name);
        }

        /** A descriptor of the launch, shown as {@code name=fd}. */
        public static Word descriptor(String name, int fd) {
            return new Word(fd, name + "=" + fd);
        }

        /** A number with what it means beside it: {@code 0 (self)}. */
        public static Word noted(long value, String note) {
            return new Word(value, value + " (" + note + ")");
        }

        /** The number on the architecture this JVM runs on. */
        public long value() {
            return flag.value();
        }

        /** The number on {@code arch} ({@code x86_64}, {@code aarch64}): what a program encoded for it holds. */
        public long value(String arch) {
            return flag.value(arch);
        }

        /** How the number reads in a plan. */
        public String text() {
            return flag.name();
        }

        @Override
        public String render() {
            return flag.name();
        }
    }

    /** The OR of {@code flags}, shown as {@code A|B|C}: value and text come from the same constants. */
    static Word flags(Flag... flags) {
        return new Word(Flag.or(flags));
    }

    /** A file mode, shown in octal: {@code 0755}. */
    static Word octal(int mode) {
        return flags(Flag.octal(mode));
    }

    /** {@code ~0U}: every bit of an unsigned int. */
    static Word allOnes32() {
        return new Word(0xFFFF_FFFFL, "~0U");
    }

    /** A device number, as {@code new_encode_dev} encodes small numbers for {@code mknodat}. */
    static Word makedev(int major, int minor) {
        return new Word(((long) major << 8) | minor, "makedev(" + major + ", " + minor + ")");
    }

    /** A NUL-terminated string. Rendered cut to {@link #SHOWN_CHARS} characters with a count of the rest. */
    record CString(String value) implements Arg {
        @Override
        public String render() {
            return quote(value);
        }
    }

    /**
     * A NULL-terminated array of strings ({@code argv}, {@code envp}). An environment ({@code secret}) renders
     * every value as {@code KEY=<redacted, N bytes>}: plans and error messages end up in logs. Long arrays
     * render their first {@link #SHOWN_ITEMS} items and a count of the rest; the memory holds every byte.
     */
    record CStringArray(List<String> values, boolean secret) implements Arg {
        public CStringArray {
            values = List.copyOf(values);
        }

        /** Values that may be shown (argv). */
        public CStringArray(List<String> values) {
            this(values, false);
        }

        /** An environment: {@code KEY=value} strings whose values are never shown. */
        public static CStringArray environment(List<String> entries) {
            return new CStringArray(entries, true);
        }

        @Override
        public String render() {
            List<String> shown = values.size() > SHOWN_ITEMS ? values.subList(0, SHOWN_ITEMS) : values;
            String items = shown.stream().map(v -> secret ? redact(v) : quote(v)).collect(Collectors.joining(", "));
            int more = values.size() - shown.size();
            return "[" + items + (more > 0 ? ", ... " + more + " more" : "") + "]";
        }

        private static String redact(String entry) {
            int eq = entry.indexOf('=');
            String key = eq < 0 ? entry : entry.substring(0, eq);
            int bytes = eq < 0 ? 0 : entry.substring(eq + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            return quote(key + "=<redacted, " + bytes + " bytes>");
        }
    }

    /** How many characters of a string a plan or message shows before it says how many it left out. */
    int SHOWN_CHARS = 200;

    /** How many items of an array a plan or message shows. */
    int SHOWN_ITEMS = 32;

    /**
     * Bytes copied into native memory, e.g. a kernel struct; {@code text} describes the fields. The bytes are
     * per architecture where a field holds a value that differs ({@code O_DIRECTORY} in {@code open_how}).
     */
    record Struct(byte[] x86_64, byte[] aarch64, String text) implements Arg {
        public Struct {
            x86_64 = x86_64.clone();
            aarch64 = aarch64.clone();
        }

        /** The same bytes on every architecture. */
        public Struct(byte[] bytes, String text) {
            this(bytes, bytes, text);
        }

        /** The struct that {@code bytes} makes on each architecture ({@code x86_64}, {@code aarch64}). */
        static Struct perArch(java.util.function.Function<String, byte[]> bytes, String text) {
            return new Struct(bytes.apply(ArchConstants.X86_64), bytes.apply(ArchConstants.AARCH64), text);
        }

        /** The bytes on the architecture this JVM runs on. */
        public byte[] bytes() {
            return bytes(ArchConstants.RUNNING);
        }

        /**
         * The bytes on {@code arch}: what a program encoded for it holds.
         *
         * @throws UnsupportedOperationException for another architecture, when the bytes differ between those two
         */
        public byte[] bytes(String arch) {
            return switch (arch) {
                case ArchConstants.X86_64 -> x86_64.clone();
                case ArchConstants.AARCH64 -> aarch64.clone();
                default -> {
                    if (!java.util.Arrays.equals(x86_64, aarch64)) {
                        throw new UnsupportedOperationException("{" + text + "} differs between x86_64 and aarch64"
                                + " and is not known for architecture " + arch);
                    }
                    yield x86_64.clone();
                }
            };
        }

        @Override
        public String render() {
            return "{" + text + "}";
        }
    }

    /**
     * A struct that points to other native memory: {@code bytes} with, at each offset of {@code pointers}
     * (8-aligned), the address of that argument's memory. {@code struct sock_fprog} is one: a length and a
     * pointer to the filter.
     */
    record StructWithPointers(byte[] bytes, java.util.Map<Integer, Arg> pointers, String text) implements Arg {
        public StructWithPointers {
            bytes = bytes.clone();
            pointers = java.util.Map.copyOf(pointers);
            for (var field : pointers.entrySet()) {
                int offset = field.getKey();
                if (offset < 0 || offset % 8 != 0 || offset + 8 > bytes.length) {
                    throw new IllegalArgumentException("pointer offset " + offset + " is not an aligned word of "
                            + bytes.length + " bytes");
                }
                if (field.getValue() instanceof Word || field.getValue() instanceof Result) {
                    throw new IllegalArgumentException("a pointer field needs memory to point to, got " + field.getValue());
                }
            }
        }

        @Override
        public String render() {
            return "{" + text + "}";
        }
    }

    /** A writable scratch buffer of {@code size} bytes. */
    record Buffer(int size) implements Arg {
        @Override
        public String render() {
            return "buf[" + size + "]";
        }
    }

    /** The result of the earlier step that saved it under {@code label}, e.g. a descriptor. */
    record Result(String label) implements Arg {
        @Override
        public String render() {
            return label;
        }
    }

    /** {@code s} quoted and escaped, cut after {@link #SHOWN_CHARS} characters with a count of the rest. */
    private static String quote(String s) {
        return '"' + cut(s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"), "\"");
    }

    /**
     * {@code s} followed by {@code end}, or its first {@link #SHOWN_CHARS} characters, then {@code end}, and a
     * count of the characters left out: how plans and messages show a value that may be huge.
     */
    static String cut(String s, String end) {
        return s.length() <= SHOWN_CHARS ? s + end
                : s.substring(0, SHOWN_CHARS) + "..." + end + " (" + (s.length() - SHOWN_CHARS) + " more characters)";
    }

    /** A command line for a message: {@code [sh, -c, ...]}, each argument and the list cut like a plan's. */
    static String summary(List<String> argv) {
        return "[" + joined(argv) + "]";
    }

    /** {@code a, b, c}: each item and the list cut like a plan's. */
    static String joined(List<String> items) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < Math.min(items.size(), SHOWN_ITEMS); i++) {
            shown.append(i == 0 ? "" : ", ").append(cut(items.get(i), ""));
        }
        return shown + (items.size() > SHOWN_ITEMS ? ", ... " + (items.size() - SHOWN_ITEMS) + " more" : "");
    }
}
