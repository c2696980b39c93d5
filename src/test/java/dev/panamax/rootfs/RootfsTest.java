package dev.panamax.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir Path tmp;

    @Test
    @Tag("kernel") // as another user the copy of the setuid /usr/bin/mount loses its setuid bit
    void copiesProgramsWithTheirSymlinkChainsAndModes() throws IOException {
        Path root = Rootfs.fromHost(tmp.resolve("r"), "sh", "mount");
        for (String top : List.of("bin", "lib", "lib64", "sbin")) {
            Path host = Path.of("/", top);
            if (Files.isSymbolicLink(host)) {
                assertEquals(Files.readSymbolicLink(host), Files.readSymbolicLink(root.resolve(top)), top);
            }
        }
        assertEquals(Files.readSymbolicLink(Path.of("/usr/bin/sh")), Files.readSymbolicLink(root.resolve("usr/bin/sh")));
        for (Path hostFile : List.of(Path.of("/usr/bin/dash"), Path.of("/usr/bin/mount"),
                LdCache.load(LdCache.SYSTEM).lookup("libc.so.6").orElseThrow().toRealPath())) {
            Path copy = root.resolve(Path.of("/").relativize(hostFile).toString());
            assertTrue(Files.isRegularFile(copy, NOFOLLOW), copy.toString());
            assertEquals(attr(hostFile, "unix:mode"), attr(copy, "unix:mode"), copy + " keeps its mode");
            assertEquals(1, (int) attr(copy, "unix:nlink"), copy + " is a copy, not a hard link");
            assertNotEquals(attr(hostFile, "unix:ino"), attr(copy, "unix:ino"), copy + " has its own inode");
            assertEquals(Files.size(hostFile), Files.size(copy));
        }
        assertEquals(01777, (int) attr(root.resolve("tmp"), "unix:mode") & 07777);
        assertEquals(0700, (int) attr(root.resolve("root"), "unix:mode") & 07777);
        for (String dir : List.of("proc", "dev", "sys")) {
            assertTrue(Files.isDirectory(root.resolve(dir), NOFOLLOW), dir);
        }
        assertTrue(Files.readString(root.resolve("etc/passwd")).startsWith("root:x:0:0:"));
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains("\nnobody:x:65534:"));
        assertTrue(Files.readString(root.resolve("etc/hosts")).contains("127.0.0.1\tlocalhost"));
        assertEquals("", Files.readString(root.resolve("etc/resolv.conf")));
        assertTrue(Files.readString(root.resolve("etc/nsswitch.conf")).contains("passwd:    files"));
    }

    @Test
    void rebuildingIntoTheSameDirectoryIsIdempotent() throws IOException {
        Path dir = tmp.resolve("r");
        Rootfs.Report first = build(dir, "sh", "ls");
        assertTrue(first.copiedFiles() > 3, "first build copied " + first.copiedFiles());
        Map<String, String> before = snapshot(dir);
        Rootfs.Report second = build(dir, "sh", "ls");
        assertEquals(0, second.copiedFiles(), "second build copied nothing");
        assertEquals(first.copiedFiles() + first.keptFiles(), second.keptFiles());
        assertEquals(before, snapshot(dir));
    }

    @Test
    void aChangedHostFileIsCopiedAgain() throws IOException {
        Path dir = tmp.resolve("r");
        Rootfs.Report first = build(dir, "sh");
        Path dash = dir.resolve("usr/bin/dash");
        Files.writeString(dash, "stale"); // as if the host had been upgraded since
        Rootfs.Report second = build(dir, "sh");
        assertEquals(1, second.copiedFiles());
        assertEquals(first.copiedFiles() + first.keptFiles() - 1, second.keptFiles());
        assertEquals(Files.size(Path.of("/usr/bin/dash")), Files.size(dash));
    }

    @Test
    void defaultRootfsIsBuiltOnceIntoTheCacheDirectory() throws IOException {
        Path cache = tmp.resolve("cache");
        Path root = Rootfs.defaultRootfs(cache);
        assertEquals(cache.toRealPath(), root);
        for (String program : Rootfs.defaultPrograms()) {
            Path onHost = ProgramLocator.fromEnvironment().locate(program);
            assertTrue(Files.exists(root.resolve(Path.of("/").relativize(onHost).toString()), NOFOLLOW), program);
        }
        Map<String, String> before = snapshot(root);
        assertEquals(root, Rootfs.defaultRootfs(cache));
        assertEquals(before, snapshot(root));
    }

    @Test
    void aProgramNotOnPathIsNamedWithThePath() {
        RootfsException e = assertThrows(RootfsException.class,
                () -> Rootfs.build(tmp.resolve("r"), List.of("sh", "no-such-tool"), new ProgramLocator("/usr/bin:/bin"),
                        LdCache.load(LdCache.SYSTEM)));
        assertEquals("program \"no-such-tool\" not found on PATH /usr/bin:/bin", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("r/usr")), "nothing was copied");
    }

    @Test
    void aFileThatIsNotElfIsNamed() throws IOException {
        Path script = Files.writeString(tmp.resolve("hello.txt"), "hello\n");
        RootfsException e = assertThrows(RootfsException.class, () -> Rootfs.fromHost(tmp.resolve("r"), script.toString()));
        assertTrue(e.getMessage().startsWith(script + " is not an ELF file: its magic is \"hell\""), e.getMessage());
    }

    @Test
    void aForeignElfIsNamed() throws IOException {
        Path arm = Files.write(tmp.resolve("arm-tool"), ElfTest.header(2, 183).array());
        RootfsException e = assertThrows(RootfsException.class, () -> Rootfs.fromHost(tmp.resolve("r"), arm.toString()));
        assertEquals(arm + " is not a usable ELF object: built for machine AArch64 (183), not x86-64 (EM_X86_64 = 62)",
                e.getMessage());
    }

    @Test
    void anUnresolvableLibraryIsNamedWithWhoNeedsItAndWhereItWasSought() throws IOException {
        // A copy of ls whose first DT_NEEDED name is rewritten in its string table.
        String needed = Elf.read(ElfTest.LS).needed().getFirst();
        String missing = "libqq" + "q".repeat(needed.length() - 5);
        Path patched = Files.write(tmp.resolve("ls"), patchedLs("libqq"));
        assertTrue(Elf.read(patched).needed().contains(missing));
        RootfsException e = assertThrows(RootfsException.class, () -> Rootfs.fromHost(tmp.resolve("r"), patched.toString()));
        assertTrue(e.getMessage().startsWith("library " + missing + " needed by " + patched + " not found; searched ["),
                e.getMessage());
        assertTrue(e.getMessage().contains("/usr/lib/x86_64-linux-gnu"), e.getMessage());
        assertTrue(e.getMessage().contains(" and /etc/ld.so.cache ("), e.getMessage());
    }

    @Test
    void aDirThatIsAFileOrTheHostRootIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertEquals("dir " + file + " exists and is not a directory",
                assertThrows(IllegalArgumentException.class, () -> Rootfs.fromHost(file, "sh")).getMessage());
        assertEquals("dir must not be / (the host's root): /",
                assertThrows(IllegalArgumentException.class, () -> Rootfs.fromHost(Path.of("/"), "sh")).getMessage());
        assertEquals("dir must not be / (the host's root): /tmp/..",
                assertThrows(IllegalArgumentException.class, () -> Rootfs.fromHost(Path.of("/tmp/.."), "sh")).getMessage());
        Path link = Files.createSymbolicLink(tmp.resolve("toRoot"), Path.of("/"));
        assertEquals("dir " + link + " resolves to / (the host's root)",
                assertThrows(IllegalArgumentException.class, () -> Rootfs.fromHost(link, "sh")).getMessage());
    }

    @Test
    void badProgramArgumentsAreRefused() {
        Path dir = tmp.resolve("r");
        assertEquals("programs must name at least one program or directory",
                assertThrows(IllegalArgumentException.class, () -> Rootfs.fromHost(dir)).getMessage());
        assertEquals("program \"bin/ls\" must be a name searched on PATH or an absolute path, not a relative path",
                assertThrows(IllegalArgumentException.class, () -> Rootfs.fromHost(dir, "bin/ls")).getMessage());
        assertEquals("programs[1] is null",
                assertThrows(IllegalArgumentException.class, () -> Rootfs.fromHost(dir, "sh", null)).getMessage());
        assertEquals("program /no/such/file does not exist or is not a regular file or a directory",
                assertThrows(RootfsException.class, () -> Rootfs.fromHost(dir, "/no/such/file")).getMessage());
    }

    @Test
    void aConflictingEntryInsideTheRootIsReportedNotFollowed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("r"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("usr"), outside); // must never be written through
        RootfsException e = assertThrows(RootfsException.class, () -> Rootfs.fromHost(dir, "sh"));
        assertTrue(e.getMessage().contains(dir.toRealPath().resolve("usr") + " already exists in the rootfs"),
                e.getMessage());
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void aDirectoryIsCopiedWholeWithTheLibrariesOfItsModules() throws IOException {
        Path lib = Files.createDirectories(tmp.resolve("host/lib/pkg"));
        Files.writeString(lib.resolve("__init__.py"), "x = 1\n");
        Files.createSymbolicLink(lib.resolve("alias.py"), Path.of("__init__.py"));
        Files.copy(ElfTest.LS, lib.resolve("module.so")); // an extension module: an ELF object needing libraries
        Path host = lib.getParent();
        Path root = Rootfs.fromHost(tmp.resolve("r"), "sh", host.toString());
        Path copy = root.resolve(Path.of("/").relativize(host.toRealPath()).toString());
        assertEquals("x = 1\n", Files.readString(copy.resolve("pkg/__init__.py")));
        assertEquals(Path.of("__init__.py"), Files.readSymbolicLink(copy.resolve("pkg/alias.py")), "kept as a link");
        assertEquals(Files.size(ElfTest.LS), Files.size(copy.resolve("pkg/module.so")));
        for (String needed : Elf.read(ElfTest.LS).needed()) {
            Path onHost = LdCache.load(LdCache.SYSTEM).lookup(needed).orElseThrow();
            assertTrue(Files.exists(root.resolve(Path.of("/").relativize(onHost).toString())),
                    needed + ", needed by the module, is in the rootfs");
        }
    }

    @Test
    void aRebuildMakesACopiedDirectoryMatchTheHostAgain() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host/lib"));
        Files.writeString(host.resolve("kept.py"), "kept\n");
        Files.writeString(host.resolve("changed.py"), "old\n");
        Files.writeString(Files.createDirectories(host.resolve("removed")).resolve("gone.py"), "gone\n");
        Files.writeString(host.resolve("becomes_a_package"), "a module\n");
        Path dir = tmp.resolve("r");
        Path root = build(dir, "sh", host.toString()).dir();
        Path copy = root.resolve(Path.of("/").relativize(host.toRealPath()).toString());
        Path outside = Files.writeString(root.resolve("tmp/mine"), "not in a copied directory\n");

        Files.writeString(host.resolve("changed.py"), "new, longer\n");
        Files.delete(host.resolve("removed/gone.py"));
        Files.delete(host.resolve("removed"));
        Files.delete(host.resolve("becomes_a_package"));
        Files.writeString(Files.createDirectories(host.resolve("becomes_a_package")).resolve("__init__.py"), "pkg\n");
        Files.writeString(host.resolve("added.py"), "added\n");
        Rootfs.Report second = build(dir, "sh", host.toString());

        assertEquals(3, second.copiedFiles(), "changed.py, added.py and becomes_a_package/__init__.py");
        try (Stream<Path> s = Files.walk(copy)) {
            assertEquals(List.of("", "added.py", "becomes_a_package", "becomes_a_package/__init__.py", "changed.py",
                    "kept.py"), s.map(p -> copy.relativize(p).toString()).sorted().toList());
        }
        assertEquals("new, longer\n", Files.readString(copy.resolve("changed.py")));
        assertTrue(Files.exists(outside), "nothing outside a copied directory is removed");
    }

    @Test
    void aModuleNeedingALibraryTheHostLacksIsCopiedAsOnTheHost() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host/lib"));
        Path module = Files.write(host.resolve("broken.so"), patchedLs("libqq"));
        Path root = Rootfs.fromHost(tmp.resolve("r"), "sh", host.toString()); // the host cannot load it either
        assertTrue(Files.isRegularFile(root.resolve(Path.of("/").relativize(module.toRealPath()).toString())));
    }

    @Test
    void aDirectoryHoldingTheRootfsOrInsideItIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("r"));
        Path inside = Files.createDirectories(dir.resolve("lib"));
        for (Path tree : List.of(tmp, inside)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Rootfs.fromHost(dir, "sh", tree.toString()));
            assertEquals("directory " + tree + (tree.equals(tmp) ? " holds" : " is in") + " the rootfs "
                    + dir.toRealPath() + ": it would be copied into itself", e.getMessage());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(inside), s.toList(), "nothing was copied");
        }
    }

    private static Rootfs.Report build(Path dir, String... programs) {
        return Rootfs.build(dir, List.of(programs), ProgramLocator.fromEnvironment(), LdCache.load(LdCache.SYSTEM));
    }

    /** A copy of ls whose first DT_NEEDED name is rewritten to {@code prefix} and q's, same length. */
    private static byte[] patchedLs(String prefix) throws IOException {
        String needed = Elf.read(ElfTest.LS).needed().getFirst();
        String missing = prefix + "q".repeat(needed.length() - prefix.length());
        String latin = new String(Files.readAllBytes(ElfTest.LS), StandardCharsets.ISO_8859_1)
                .replace(needed + "\0", missing + "\0");
        return latin.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Object attr(Path p, String name) throws IOException {
        return Files.getAttribute(p, name, NOFOLLOW);
    }

    /** Every entry with its kind, mode, size, mtime and inode: what an idempotent rebuild must keep. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime,ino", NOFOLLOW);
                out.put(root.relativize(p).toString(), a.get("mode") + " " + a.get("size") + " "
                        + a.get("lastModifiedTime") + " " + a.get("ino")
                        + (Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : ""));
            }
        }
        return out;
    }
}
