package dev.panamax.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryResolverTest {
    private static final LibraryResolver HOST = new LibraryResolver(LdCache.load(LdCache.SYSTEM),
            LibraryResolver.DEFAULT_DIRS);

    @TempDir Path tmp;

    @Test
    void resolvesTheInterpreterAndLibrariesOfLsTransitively() throws Exception {
        LibraryResolver.Closure c = HOST.resolve(List.of(ElfTest.LS));
        assertEquals(ElfTest.LS, c.files().getFirst());
        assertTrue(c.files().contains(Path.of("/lib64/ld-linux-x86-64.so.2")), c.files().toString());
        assertTrue(c.files().contains(LdCache.load(LdCache.SYSTEM).lookup("libc.so.6").orElseThrow()));
        // libselinux needs libpcre2-8, which ls does not name itself.
        assertTrue(c.files().stream().anyMatch(f -> f.getFileName().toString().startsWith("libpcre2-8.so")),
                c.files().toString());
        assertEquals(Map.of(), c.aliases());
    }

    @Test
    void expandsOriginInTheRpathOfTheJavaLauncher() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        LibraryResolver.Closure c = HOST.resolve(List.of(java));
        Path jli = java.toRealPath().getParent().resolve("../lib/libjli.so").normalize();
        assertTrue(c.files().contains(jli), c.files().toString());
    }

    @Test
    void expandsTheLoadersDynamicStringTokens() {
        assumeTrue(Files.isDirectory(Path.of("/lib/x86_64-linux-gnu")), "a Debian-style multiarch host");
        assertEquals(List.of(Path.of("/opt/lib"), Path.of("/opt/bin/x86_64"), Path.of("/usr/lib/x86_64-linux-gnu")),
                LibraryResolver.expand(List.of("$ORIGIN/../lib", "${ORIGIN}/$PLATFORM", "/usr/$LIB", "relative/skipped"),
                        Path.of("/opt/bin")));
    }

    @Test
    @Tag("kernel")
    void aLibraryOnlyTheCacheKnowsGetsAnAliasThatWorksInsideTheRootfs() throws Exception {
        assumeTrue((int) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "chroot(8) needs root");
        Path bash = ProgramLocator.fromEnvironment().find("bash").orElseThrow();
        String tinfo = Elf.read(bash).needed().stream().filter(n -> n.startsWith("libtinfo")).findFirst()
                .orElseThrow();
        Path privateDir = Files.createDirectories(tmp.resolve("opt/private-libs"));
        Path privateLib = Files.copy(hostLib(tinfo), privateDir.resolve(tinfo));
        LdCache cache = LdCache.parse(cacheImage(Map.of(tinfo, privateLib.toString())), "test-cache");
        assertEquals(Optional.of(privateLib), cache.lookup(tinfo));

        Rootfs.Report report = Rootfs.build(tmp.resolve("root"), List.of(bash.toString()),
                ProgramLocator.fromEnvironment(), cache);
        Path alias = LibraryResolver.DEFAULT_DIRS.stream().filter(Files::isDirectory).findFirst().orElseThrow()
                .resolve(tinfo);
        assertEquals(Map.of(alias, privateLib), report.aliases());
        assertTrue(report.files().contains(privateLib));

        Process p = new ProcessBuilder("chroot", report.dir().toString(), bash.toString(), "-c", "echo alias ok")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("alias ok\n", out);
    }

    private static Path hostLib(String soname) {
        return LdCache.load(LdCache.SYSTEM).lookup(soname).orElseThrow();
    }

    /** A minimal "glibc-ld.so.cache1.1" image with plain x86-64 entries. */
    static ByteBuffer cacheImage(Map<String, String> entries) {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        int header = 48, table = header + 24 * entries.size();
        ByteBuffer entryBuf = ByteBuffer.allocate(24 * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
        entries.forEach((key, value) -> {
            int keyAt = table + strings.size();
            strings.writeBytes((key + "\0").getBytes(StandardCharsets.UTF_8));
            int valueAt = table + strings.size();
            strings.writeBytes((value + "\0").getBytes(StandardCharsets.UTF_8));
            entryBuf.putInt(0x0303).putInt(keyAt).putInt(valueAt).putInt(0).putLong(0);
        });
        ByteBuffer image = ByteBuffer.allocate(table + strings.size()).order(ByteOrder.LITTLE_ENDIAN);
        image.put("glibc-ld.so.cache1.1".getBytes(StandardCharsets.US_ASCII)).putInt(entries.size())
                .putInt(strings.size()).put((byte) 2).position(header);
        image.put(entryBuf.array()).put(strings.toByteArray());
        return image.flip();
    }
}
