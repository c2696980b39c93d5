package dev.panamax.cli;

import java.util.List;
import java.util.Map;

/**
 * The JSON the commands print: maps (in their iteration order), lists, strings, numbers, booleans and null.
 * Written by hand rather than with Jackson, so that {@code spec}, {@code features} and every log line load no
 * JSON library: a cold start of the command pays for each class it loads.
 */
final class Json {
    private Json() {
    }

    /**
     * The value on one line, no spaces (a log line).
     *
     * @param value a map, list, string, number, boolean or null
     * @return the JSON text
     */
    static String compact(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, null, 0);
        return out.toString();
    }

    /**
     * The value over several lines, each level indented once more.
     *
     * @param value  a map, list, string, number, boolean or null
     * @param indent one level of indentation (runc's {@code spec} uses a tab, its {@code features} four spaces)
     * @return the JSON text, without a final newline
     */
    static String pretty(Object value, String indent) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, String indent, int depth) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(out, s);
            case Boolean b -> out.append(b);
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Map<?, ?> map -> {
                out.append('{');
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(i++ == 0 ? "" : ",");
                    newline(out, indent, depth + 1);
                    quote(out, (String) e.getKey());
                    out.append(indent == null ? ":" : ": ");
                    write(out, e.getValue(), indent, depth + 1);
                }
                if (i > 0) {
                    newline(out, indent, depth);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    newline(out, indent, depth + 1);
                    write(out, list.get(i), indent, depth + 1);
                }
                if (!list.isEmpty()) {
                    newline(out, indent, depth);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void newline(StringBuilder out, String indent, int depth) {
        if (indent != null) {
            out.append('\n').append(indent.repeat(depth));
        }
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
