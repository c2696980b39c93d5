package dev.panamax.rootfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The x86-64 entries of glibc's {@code /etc/ld.so.cache} (the {@code glibc-ld.so.cache1.1} format,
 * alone or after the old {@code ld.so-1.7.0} table), mapping a soname to the path the loader would
 * open. A missing cache is empty, as the loader treats it; a corrupt one is reported by {@link
 * #parse} and ignored (with the reason kept for messages) by {@link #load}, as the loader ignores it.
 *
 * <pre>{@code
 * LdCache cache = LdCache.load(LdCache.SYSTEM);
 * cache.lookup("libc.so.6"); // Optional[/lib/x86_64-linux-gnu/libc.so.6]
 * }</pre>
 */
final class LdCache {
    static final Path SYSTEM = Path.of("/etc/ld.so.cache");
    private static final byte[] OLD_MAGIC = "ld.so-1.7.0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW_MAGIC = "glibc-ld.so.cache1.1".getBytes(StandardCharsets.US_ASCII);
    private static final int OLD_HEADER = 16, OLD_ENTRY = 12, NEW_HEADER = 48, NEW_ENTRY = 24;
    private static final int FLAG_ELF_LIBC6 = 0x0003, FLAG_X8664_LIB64 = 0x0300;
    private static final int ENDIAN_UNSET = 0, ENDIAN_LITTLE = 2;

    private final Map<String, Path> libraries;
    private final String description;

    private LdCache(Map<String, Path> libraries, String description) {
        this.libraries = Map.copyOf(libraries);
        this.description = description;
    }

    /** Reads the cache at {@code file}; absent or unreadable caches give an empty one. */
    static LdCache load(Path file) {
        try {
            return parse(ByteBuffer.wrap(Files.readAllBytes(file)), file.toString());
        } catch (NoSuchFileException e) {
            return new LdCache(Map.of(), file + " (absent)");
        } catch (IOException | RootfsException e) {
            return new LdCache(Map.of(), file + " (ignored: " + e.getMessage() + ")");
        }
    }

    /** Parses a cache image; {@code file} names it in messages and in {@link #toString()}. */
    static LdCache parse(ByteBuffer image, String file) {
        ByteBuffer buf = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = 0;
        if (startsWith(buf, 0, OLD_MAGIC)) {
            long nlibs = need(buf, OLD_HEADER, file, "old-format header") ? Integer.toUnsignedLong(buf.getInt(12)) : 0;
            long skip = OLD_HEADER + nlibs * OLD_ENTRY;
            if (skip > buf.limit()) {
                throw bad(file, "old-format table of " + nlibs + " entries runs past the end");
            }
            start = (int) skip;
        }
        if (!startsWith(buf, start, NEW_MAGIC)) {
            throw bad(file, "no \"glibc-ld.so.cache1.1\" header at offset " + start);
        }
        need(buf, start + NEW_HEADER, file, "header");
        long nlibs = Integer.toUnsignedLong(buf.getInt(start + 20));
        int endian = buf.get(start + 28);
        if (endian != ENDIAN_UNSET && endian != ENDIAN_LITTLE) {
            throw bad(file, "not little-endian (flags " + endian + ")");
        }
        if (start + NEW_HEADER + nlibs * NEW_ENTRY > buf.limit()) {
            throw bad(file, nlibs + " entries run past the end of the file");
        }
        Map<String, Path> best = new HashMap<>();
        Map<String, Path> anyHwcap = new HashMap<>();
        for (int i = 0; i < nlibs; i++) {
            int at = start + NEW_HEADER + i * NEW_ENTRY;
            int flags = buf.getInt(at);
            if ((flags & 0xff) != FLAG_ELF_LIBC6 || (flags & 0xff00) != FLAG_X8664_LIB64) {
                continue;
            }
            String key = string(buf, start, buf.getInt(at + 4), file);
            Path value = Path.of(string(buf, start, buf.getInt(at + 8), file));
            // The loader prefers the first entry its CPU supports; a plain (hwcap 0) entry always
            // runs, a glibc-hwcaps one only on some CPUs, so take it only when nothing else exists.
            (buf.getLong(at + 16) == 0 ? best : anyHwcap).putIfAbsent(key, value);
        }
        anyHwcap.forEach(best::putIfAbsent);
        return new LdCache(best, file + " (" + best.size() + " x86-64 entries)");
    }

    /** The path the cache gives for {@code soname}, if it has an x86-64 entry for it. */
    Optional<Path> lookup(String soname) {
        return Optional.ofNullable(libraries.get(soname));
    }

    int size() {
        return libraries.size();
    }

    /** The file and its state, for error messages: {@code /etc/ld.so.cache (412 x86-64 entries)}. */
    @Override
    public String toString() {
        return description;
    }

    private static String string(ByteBuffer buf, int base, int offset, String file) {
        long from = base + Integer.toUnsignedLong(offset);
        for (long i = from; i < buf.limit(); i++) {
            if (buf.get((int) i) == 0) {
                byte[] bytes = new byte[(int) (i - from)];
                buf.get((int) from, bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
        throw bad(file, "string at offset " + from + " is outside the file or not NUL-terminated");
    }

    private static boolean startsWith(ByteBuffer buf, int at, byte[] magic) {
        if (buf.limit() - at < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (buf.get(at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean need(ByteBuffer buf, long size, String file, String what) {
        if (buf.limit() < size) {
            throw bad(file, "truncated " + what + " (" + buf.limit() + " bytes)");
        }
        return true;
    }

    private static RootfsException bad(String file, String why) {
        return new RootfsException(file + " is not a usable ld.so.cache: " + why);
    }
}
