package dev.panamax.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LdCacheTest {
    private static final Pattern LINE = Pattern.compile("\\s*(\\S+) \\(libc6,x86-64\\) => (\\S+)");

    @Test
    void findsLibcWhereLdconfigSaysAndAgreesOnEveryEntry() throws Exception {
        Map<String, Path> ldconfig = ldconfigP();
        LdCache cache = LdCache.load(LdCache.SYSTEM);
        assertEquals(Optional.of(ldconfig.get("libc.so.6")), cache.lookup("libc.so.6"));
        assertTrue(ldconfig.size() > 10, "ldconfig -p listed " + ldconfig.size() + " plain x86-64 entries");
        ldconfig.forEach((name, path) -> assertEquals(Optional.of(path), cache.lookup(name), name));
        assertEquals(ldconfig.size(), cache.size());
    }

    @Test
    void anAbsentCacheIsEmptyAndSaysSo(@TempDir Path tmp) {
        LdCache cache = LdCache.load(tmp.resolve("ld.so.cache"));
        assertEquals(Optional.empty(), cache.lookup("libc.so.6"));
        assertEquals(tmp.resolve("ld.so.cache") + " (absent)", cache.toString());
    }

    @Test
    void aCorruptCacheIsRejectedByParseAndIgnoredByLoad(@TempDir Path tmp) throws IOException {
        byte[] real = Files.readAllBytes(LdCache.SYSTEM);
        byte[] cut = java.util.Arrays.copyOf(real, 100);
        RootfsException e = assertThrows(RootfsException.class, () -> LdCache.parse(ByteBuffer.wrap(cut), "c"));
        assertTrue(e.getMessage().startsWith("c is not a usable ld.so.cache: "), e.getMessage());
        assertTrue(e.getMessage().contains("entries run past the end of the file"), e.getMessage());

        Path text = Files.writeString(tmp.resolve("cache"), "not a cache");
        LdCache ignored = LdCache.load(text);
        assertEquals(0, ignored.size());
        assertEquals(text + " (ignored: " + text + " is not a usable ld.so.cache: no \"glibc-ld.so.cache1.1\""
                + " header at offset 0)", ignored.toString());
    }

    /** The plain (no hwcap) x86-64 entries {@code ldconfig -p} prints, first one per name. */
    private static Map<String, Path> ldconfigP() throws Exception {
        Process p = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, Path> entries = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                entries.putIfAbsent(m.group(1), Path.of(m.group(2)));
            }
        }
        return entries;
    }
}
