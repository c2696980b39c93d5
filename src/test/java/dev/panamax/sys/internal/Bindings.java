package dev.panamax.sys.internal;

import dev.panamax.bindings.linux_h;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/**
 * The generated constants and struct offsets by name, for the tests that pin a hand-written value (in a
 * public package, which must not depend on the bindings) to the headers.
 */
public final class Bindings {
    private Bindings() {}

    /** The value of the header constant {@code name} ({@code "CAP_CHOWN"}) on the architecture this JVM runs on. */
    public static long constant(String name) {
        return constant(name, ArchConstants.RUNNING);
    }

    /**
     * The value of the header constant {@code name} on {@code arch} ({@code x86_64}, {@code aarch64}): the
     * aarch64 bindings hold the constants whose value differs, {@code linux_h} all the others.
     */
    public static long constant(String name, String arch) {
        return switch (arch) {
            case ArchConstants.X86_64 -> ((Number) call(linux_h.class, name)).longValue();
            case ArchConstants.AARCH64 -> differsOnAarch64().contains(name)
                    ? ((Number) call(dev.panamax.bindings.aarch64.linux_h.class, name)).longValue()
                    : constant(name, ArchConstants.X86_64);
            default -> throw new IllegalArgumentException("no bindings for architecture " + arch);
        };
    }

    /** The constants whose aarch64 value differs from x86-64's: those {@code headers/regenerate} generates twice. */
    public static java.util.Set<String> differsOnAarch64() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (var m : dev.panamax.bindings.aarch64.linux_h.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 0) {
                names.add(m.getName());
            }
        }
        return names;
    }

    /** The offset of {@code field} in the generated {@code struct} ({@code "seccomp_data", "arch"}). */
    public static long offset(String struct, String field) {
        return (long) call(type(struct), field + "$offset");
    }

    /** {@code sizeof(struct)}. */
    public static long sizeof(String struct) {
        return (long) call(type(struct), "sizeof");
    }

    /**
     * An ioctl request of {@code asm-generic/ioctls.h}: those are {@code _IO} macros, which jextract does not
     * translate, so they are read from the installed header.
     */
    public static long ioctl(String name) throws IOException {
        return define("asm-generic/ioctls.h", name);
    }

    /**
     * The number that {@code #define name} gives in the installed header {@code /usr/include/<header>}: for
     * values the bindings lack. The test is skipped where the header is not installed.
     */
    public static long define(String header, String name) throws IOException {
        Path file = Path.of("/usr/include", header);
        Assumptions.assumeTrue(Files.isReadable(file), file + " is not installed (apt-get install linux-libc-dev)");
        Pattern define = Pattern.compile("^#define\\s+" + name + "\\s+(0x[0-9A-Fa-f]+|\\d+)\\s*$");
        for (String line : Files.readAllLines(file)) {
            Matcher m = define.matcher(line);
            if (m.matches()) {
                return Long.decode(m.group(1));
            }
        }
        throw new IllegalArgumentException(name + " is not defined as a number in " + file);
    }

    private static Class<?> type(String struct) {
        try {
            return Class.forName("dev.panamax.bindings." + struct);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no binding for struct " + struct, e);
        }
    }

    private static Object call(Class<?> type, String method) {
        try {
            return type.getMethod(method).invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("no binding " + type.getSimpleName() + "." + method, e);
        }
    }
}
