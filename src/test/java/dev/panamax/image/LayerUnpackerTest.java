package dev.panamax.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.List;

/** What a well-formed layer becomes on disk (rootless options: runs without root). */
class LayerUnpackerTest {
    private static final String DIGEST = "sha256:" + "cd".repeat(32);
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private Path base;

    @BeforeEach
    void makeBase() throws IOException {
        base = Files.createTempDirectory("pmx-unpack-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        Trees.delete(base);
    }

    private static TarBuilder sample() {
        TarArchiveEntry old = TarBuilder.entry("data/old", TarConstants.LF_NORMAL);
        old.setMode(0640);
        old.setSize(3);
        old.setLastModifiedTime(FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
        return new TarBuilder().dir("./", 0755).dir("bin", 0755).file("bin/tool", 04755, "#!/bin/sh\n")
                .dir("tmp", 01777).dir("ro", 0555).file("ro/inside", 0444, "read only")
                .file("deep/implicit/parents", 0600, "made")
                .add(old, "old".getBytes(StandardCharsets.UTF_8))
                .symlink("data/link", "../x//y/").hardLink("data/hard", "data/old");
    }

    @Test
    void gzipZstdAndPlainLayersUnpackToTheSameTree() throws IOException {
        TarBuilder layer = sample();
        byte[] plain = layer.tar();
        Path p = unpack(plain, "plain");
        String expected = Trees.listing(p);
        assertEquals(expected, Trees.listing(unpack(sample().gzip(), "gzip")));
        assertEquals(expected, Trees.listing(unpack(sample().zstd(), "zstd")));
    }

    @Test
    void filesKeepContentModesSymlinkTextHardLinksAndMtimes() throws IOException {
        Path t = unpack(sample().tar(), "t");
        assertEquals("#!/bin/sh\n", Files.readString(t.resolve("bin/tool")));
        assertEquals(04755, mode(t.resolve("bin/tool")), "setuid kept");
        assertEquals(01777, mode(t.resolve("tmp")), "sticky kept");
        assertEquals(0555, mode(t.resolve("ro")), "a read-only directory still got its file");
        assertEquals("read only", Files.readString(t.resolve("ro/inside")));
        assertEquals(0755, mode(t.resolve("deep/implicit")), "implicit parents are 0755");
        assertEquals("../x//y/", readLinkRaw(t.resolve("data/link")), "the symlink's text exactly");
        assertEquals(Files.readAttributes(t.resolve("data/old"), "unix:ino").get("ino"),
                Files.readAttributes(t.resolve("data/hard"), "unix:ino").get("ino"), "a hard link: one inode");
        assertEquals(Instant.parse("2001-02-03T04:05:06Z"), Files.getLastModifiedTime(t.resolve("data/old"))
                .toInstant());
    }

    @Test
    void utf8NamesUnpackUnderAUtf8Locale() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                "the JVM's file name encoding is not UTF-8 (a C or POSIX locale): it cannot name such files");
        Path t = unpack(new TarBuilder().file("caf\u00e9/na\u00efve \u2713", 0644, "utf-8").tar(), "t");
        assertEquals("utf-8", Files.readString(t.resolve("caf\u00e9/na\u00efve \u2713")), "a UTF-8 name (PAX path)");
    }

    @Test
    void underACLocaleANameTheJvmCannotExpressFailsTheUnpackNamingTheLocale() throws Exception {
        Path layer = base.resolve("layer.tar");
        Files.write(layer, new TarBuilder().file("ok", 0644, "ascii").file("caf\u00e9", 0644, "utf-8").tar());
        Path target = Files.createDirectory(base.resolve("t"));
        ProcessBuilder pb = new ProcessBuilder(Fixtures.childJvmCommand(RootlessUnpackProbe.class, layer.toString(),
                DIGEST, target.toString())).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        pb.environment().put("LC_ALL", "C");
        Process jvm = pb.start();
        try {
            String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jvm.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the child JVM did not end");
            assertTrue(out.contains("error:dev.panamax.image.UnpackException: layer " + DIGEST + ": entry \"caf"),
                    out);
            assertTrue(out.contains(": writing it failed (the JVM cannot express the name as a path: start it with a"
                    + " UTF-8 locale (LANG=C.UTF-8))"), out);
        } finally {
            jvm.destroyForcibly().waitFor();
        }
    }

    /**
     * Archives GNU tar wrote (its default GNU format and POSIX pax), with what hand-built layers lack: names and
     * link targets over 100 bytes (GNU long-name entries, pax path headers) and sparse files (GNU sparse headers,
     * pax sparse 1.0), unpack to the tree tar itself extracts.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax"})
    void archivesOfGnuTarWithLongNamesAndSparseFilesUnpackAsTarExtractsThem(String format) throws Exception {
        Fixtures.assumeTools("tar");
        Path src = dir("src-" + format);
        Path deep = Files.createDirectories(src.resolve("d".repeat(60) + "/" + "e".repeat(60)));
        Files.writeString(deep.resolve("f".repeat(120) + ".txt"), "long name\n");
        Files.createSymbolicLink(src.resolve("long-link"), Path.of(deep.resolve("f".repeat(120) + ".txt").toString()
                .substring(src.toString().length() + 1)));
        try (var sparse = java.nio.channels.FileChannel.open(src.resolve("sparse.img"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            sparse.write(java.nio.ByteBuffer.wrap("start".getBytes(StandardCharsets.UTF_8)), 0);
            sparse.write(java.nio.ByteBuffer.wrap("middle".getBytes(StandardCharsets.UTF_8)), 3 << 20);
            sparse.write(java.nio.ByteBuffer.wrap("end".getBytes(StandardCharsets.UTF_8)), (8 << 20) - 3);
        }
        Path archive = base.resolve(format + ".tar");
        Fixtures.run("tar", "--format=" + format, "--sparse", "--numeric-owner", "-C", src.toString(), "-cf",
                archive.toString(), ".");
        String listing = Fixtures.run("tar", "-tvf", archive.toString());
        assertTrue(format.equals("pax") || listing.contains("sparse.img"), listing);
        byte[] raw = Files.readAllBytes(archive);
        assertTrue(raw.length < (2 << 20), "tar stored the sparse file's holes as holes: " + raw.length + " bytes");

        Path ours = unpack(raw, "ours-" + format);
        Path tars = dir("tar-" + format);
        Fixtures.run("tar", "-C", tars.toString(), "-xf", archive.toString());
        assertEquals(Trees.listing(tars), Trees.listing(ours));
        byte[] expanded = Files.readAllBytes(ours.resolve("sparse.img"));
        assertEquals(8 << 20, expanded.length, "the sparse file's real size");
        assertArrayEquals(Files.readAllBytes(src.resolve("sparse.img")), expanded, "holes read as zeros, data kept");
        assertEquals("long name\n", Files.readString(ours.resolve("long-link")), "a long link target followed");
    }

    @Test
    void aLaterEntryReplacesAnEarlierOne() throws IOException {
        Path t = unpack(new TarBuilder().file("a", 0644, "file").dir("a", 0755).file("a/x", 0644, "x")
                .dir("b", 0755).file("b/y", 0644, "y").file("b", 0600, "now a file")
                .file("c", 0644, "c").symlink("c", "a").dir("d", 0700).dir("d", 0750).tar(), "t");
        assertTrue(Files.isDirectory(t.resolve("a"), NOFOLLOW));
        assertEquals("now a file", Files.readString(t.resolve("b")));
        assertTrue(Files.isSymbolicLink(t.resolve("c")));
        assertEquals(0750, mode(t.resolve("d")), "a directory takes the later entry's mode");
    }

    @Test
    void rootlessWhiteoutsAreDevices00AndOpaqueDirectoriesUserOpaque() throws IOException {
        Path t = unpack(new TarBuilder().dir("etc", 0755).file("etc/.wh.gone", 0644, "")
                .dir("var", 0755).file("var/keep", 0644, "k").file("var/.wh..wh..opq", 0644, "")
                .file("var/.wh.old", 0644, "").file("etc/.wh.kept", 0644, "").file("etc/kept", 0644, "same layer wins")
                .tar(), "t");
        assertTrue(Trees.isWhiteout(t.resolve("etc/gone")), "the kernel's whiteout, as root writes it");
        assertTrue(Trees.isWhiteout(t.resolve("var/old")), "also in an opaque directory");
        assertEquals(List.of(), names(t.resolve("etc")), "no overlay attribute on a directory holding whiteouts");
        assertArrayEquals("y".getBytes(), xattr(t.resolve("var"), "overlay.opaque"));
        assertEquals("same layer wins", Files.readString(t.resolve("etc/kept")));
        assertFalse(Files.exists(t.resolve("etc/.wh.gone"), NOFOLLOW));
    }

    @Test
    void userXattrsAreKeptAndOverlayOrTrustedOnesDroppedWithANote() throws IOException {
        TarArchiveEntry e = TarBuilder.entry("f", TarConstants.LF_NORMAL);
        e.setMode(0644);
        e.addPaxHeader("SCHILY.xattr.user.comment", "hello");
        e.addPaxHeader("SCHILY.xattr.user.overlay.opaque", "y");
        e.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/etc");
        Path target = dir("t");
        UnpackSummary s = LayerUnpacker.unpack(TarBuilder.stream(new TarBuilder().add(e, new byte[0]).tar()), DIGEST,
                target, UnpackOptions.rootlessDefaults());
        assertArrayEquals("hello".getBytes(), xattr(target.resolve("f"), "comment"));
        assertFalse(names(target.resolve("f")).contains("overlay.opaque"), "user.overlay.* dropped");
        assertTrue(s.notes().contains("dropped extended attribute trusted.overlay.redirect (rootless)"), s.notes()
                .toString());
        assertTrue(s.notes().contains("dropped extended attribute user.overlay.opaque (rootless)"), s.notes()
                .toString());
    }

    @Test
    void rootlessDeviceNodesAreSkippedWithANoteAndFifosMade() throws IOException {
        Path target = dir("t");
        UnpackSummary s = LayerUnpacker.unpack(TarBuilder.stream(new TarBuilder()
                .device("null", TarConstants.LF_CHR, 1, 3, 0666).device("pipe", TarConstants.LF_FIFO, 0, 0, 0620)
                .tar()), DIGEST, target, UnpackOptions.rootlessDefaults());
        assertFalse(Files.exists(target.resolve("null"), NOFOLLOW));
        assertTrue(s.notes().contains("skipped device node null (1:3): rootless"), s.notes().toString());
        assertEquals("fifo 0620", Trees.listing(target).lines().filter(l -> l.startsWith("pipe")).findFirst()
                .orElseThrow().split(" ", 2)[1].replaceAll(" \\d+:\\d+$", ""));
        assertEquals(2, s.entries());
    }

    @Test
    void theSummaryCountsEntriesAndBytes() throws IOException {
        Path target = dir("t");
        UnpackSummary s = LayerUnpacker.unpack(TarBuilder.stream(new TarBuilder().file("a", 0644, "12345")
                .file("b", 0644, "678").tar()), DIGEST, target, UnpackOptions.rootlessDefaults());
        assertEquals(new UnpackSummary(2, 8, List.of("owners not applied: rootless (files belong to the caller)")), s);
    }

    private Path unpack(byte[] layer, String name) throws IOException {
        Path target = dir(name);
        LayerUnpacker.unpack(TarBuilder.stream(layer), DIGEST, target, UnpackOptions.rootlessDefaults());
        return target;
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectory(base.resolve(name));
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    }

    private static byte[] xattr(Path p, String name) throws IOException {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
        ByteBuffer b = ByteBuffer.allocate(v.size(name));
        v.read(name, b);
        return b.array();
    }

    private static List<String> names(Path p) throws IOException {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW).list();
    }

    /** The link's text as readlink(1) prints it (Path normalises repeated and trailing slashes). */
    private static String readLinkRaw(Path link) throws IOException {
        try {
            Process p = new ProcessBuilder("readlink", link.toString()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
