package dev.panamax.program;

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

    /** A plain number, shown as {@code text} (a flag expression such as {@code MS_REC|MS_PRIVATE}). */
    record Word(long value, String text) implements Arg {
        public Word(long value) {
            this(value, Long.toString(value));
        }

        @Override
        public String render() {
            return text;
        }
    }

    /** A NUL-terminated string. */
    record CString(String value) implements Arg {
        @Override
        public String render() {
            return quote(value);
        }
    }

    /** A NULL-terminated array of strings ({@code argv}, {@code envp}). */
    record CStringArray(List<String> values) implements Arg {
        public CStringArray {
            values = List.copyOf(values);
        }

        @Override
        public String render() {
            return values.stream().map(Arg::quote).collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /** Bytes copied into native memory, e.g. a kernel struct; {@code text} describes the fields. */
    record Struct(byte[] bytes, String text) implements Arg {
        public Struct {
            bytes = bytes.clone();
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

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
