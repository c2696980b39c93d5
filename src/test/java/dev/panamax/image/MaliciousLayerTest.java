package dev.panamax.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.image.UnpackException.Rule;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * The malicious layer corpus: one tar per escape, plus bombs. Each is refused with its own rule, the
 * message names the layer digest and the entry, nothing changes outside the target directory (a
 * sentinel tree beside it is compared before and after), and the half-unpacked target can be deleted.
 * Rootless options, so that the corpus also runs without root.
 */
class MaliciousLayerTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    private Path base;
    private Path target;
    private Path outside;

    @BeforeEach
    void sentinel() throws IOException {
        base = Files.createTempDirectory("pmx-unpack-");
        target = Files.createDirectory(base.resolve("target"));
        outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "untouched\n");
        Files.createDirectory(outside.resolve("dir"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        Trees.delete(base);
    }

    @Test
    void anAbsoluteNameIsRefused() throws IOException {
        refused(new TarBuilder().file(outside.resolve("evil").toString(), 0644, "x"), Rule.ABSOLUTE_NAME,
                outside.resolve("evil").toString());
    }

    @Test
    void aParentComponentIsRefused() throws IOException {
        refused(new TarBuilder().file("../outside/evil", 0644, "x"), Rule.PARENT_COMPONENT, "../outside/evil");
        refused(new TarBuilder().dir("a", 0755).file("a/../../outside/victim", 0644, "x"), Rule.PARENT_COMPONENT,
                "a/../../outside/victim");
    }

    @Test
    void anEntryThroughASymlinkOfTheLayerIsRefused() throws IOException {
        refused(new TarBuilder().symlink("link", outside.toString()).file("link/evil", 0644, "x"),
                Rule.THROUGH_SYMLINK, "link/evil");
        refused(new TarBuilder().symlink("rel", "../outside").dir("rel/dir", 0777), Rule.THROUGH_SYMLINK, "rel/dir/");
        refused(new TarBuilder().dir("d", 0755).symlink("d/up", "../../outside").symlink("d/up/victim", "/etc/passwd"),
                Rule.THROUGH_SYMLINK, "d/up/victim");
        // a symlink through a symlink: a symlink whose parent is a symlink to the layer's own directory
        refused(new TarBuilder().dir("d", 0755).symlink("self", "d").file("self/f", 0644, "x"),
                Rule.THROUGH_SYMLINK, "self/f");
    }

    @Test
    void aHardLinkToAPathOutsideIsRefused() throws IOException {
        refused(new TarBuilder().hardLink("h", "../outside/victim"), Rule.HARD_LINK_OUTSIDE, "h");
        refused(new TarBuilder().hardLink("h", outside.resolve("victim").toString()), Rule.HARD_LINK_OUTSIDE, "h");
        refused(new TarBuilder().hardLink("h", "etc/passwd"), Rule.HARD_LINK_OUTSIDE, "h"); // not an earlier entry
        refused(new TarBuilder().symlink("s", outside.toString()).hardLink("h", "s/victim"),
                Rule.HARD_LINK_OUTSIDE, "h");
    }

    @Test
    void aWhiteoutNamingDotDotIsRefused() throws IOException {
        refused(new TarBuilder().dir("a", 0755).file("a/.wh..", 0644, ""), Rule.WHITEOUT_NAME, "a/.wh..");
        refused(new TarBuilder().file(".wh.", 0644, ""), Rule.WHITEOUT_NAME, ".wh.");
        refused(new TarBuilder().file(".wh..", 0644, ""), Rule.WHITEOUT_NAME, ".wh..");
    }

    @Test
    void aNameWithNulIsRefused() throws IOException {
        String name = "n".repeat(120) + "\0/../../outside/evil"; // long: the name travels in a PAX header
        refused(new TarBuilder().file(name, 0644, "x"), Rule.NUL_IN_NAME, null);
        TarArchiveEntry link = TarBuilder.entry("s", TarConstants.LF_SYMLINK);
        link.setLinkName("t".repeat(120) + "\0x");
        refused(new TarBuilder().add(link, null), Rule.NUL_IN_NAME, "s");
    }

    @Test
    void anEntryReplacingTheTargetItselfIsRefused() throws IOException {
        refused(new TarBuilder().file(".", 0644, "x"), Rule.REPLACES_ROOT, ".");
        refused(new TarBuilder().symlink("./", outside.toString()), Rule.REPLACES_ROOT, "./");
        assertTrue(Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the target is still a directory");
    }

    @Test
    void aGzipBombStopsAtTheSizeLimit() throws IOException {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        TarBuilder tar = new TarBuilder(new GZIPOutputStream(bomb));
        for (int i = 0; i < 16; i++) {
            tar.zeros("zero" + i, 1 << 20); // 16 MiB of zeros
        }
        tar.close();
        assertTrue(bomb.size() < 100_000, "a bomb: " + bomb.size() + " compressed bytes");
        UnpackException e = assertThrows(UnpackException.class, () -> LayerUnpacker.unpack(
                TarBuilder.stream(bomb.toByteArray()), DIGEST, target,
                UnpackOptions.rootlessDefaults().withMaxBytes(4 << 20)));
        check(e, Rule.SIZE_LIMIT, "zero4");
        assertTrue(Trees.contentBytes(target) <= 4 << 20, "at most the limit written");
    }

    @Test
    void oneHugeEntryIsRefusedBeforeItsContentIsWritten() throws IOException {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        TarBuilder tar = new TarBuilder(new GZIPOutputStream(bomb));
        tar.zeros("huge", 64L << 20);
        tar.close();
        UnpackException e = assertThrows(UnpackException.class, () -> LayerUnpacker.unpack(
                TarBuilder.stream(bomb.toByteArray()), DIGEST, target,
                UnpackOptions.rootlessDefaults().withMaxBytes(1 << 20)));
        check(e, Rule.SIZE_LIMIT, "huge");
        assertEquals(0, Trees.contentBytes(target));
    }

    @Test
    void aPaxHeaderBombStopsAtTheHeaderLimit() throws IOException {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
            long size = 64L << 20; // one PAX record of 64 MiB, which the tar reader would hold in memory
            TarArchiveEntry pax = TarBuilder.entry("././@PaxHeader", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            pax.setSize(size);
            byte[] header = new byte[512];
            pax.writeEntryHeader(header);
            gz.write(header);
            byte[] record = (size + " comment=").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            gz.write(record);
            byte[] filler = new byte[1 << 16];
            java.util.Arrays.fill(filler, (byte) 'a');
            for (long left = size - record.length; left > 0; left -= filler.length) {
                gz.write(filler, 0, (int) Math.min(filler.length, left));
            }
        }
        UnpackException e = assertThrows(UnpackException.class, () -> LayerUnpacker.unpack(
                TarBuilder.stream(bomb.toByteArray()), DIGEST, target, UnpackOptions.rootlessDefaults()));
        assertEquals(Rule.HEADER_LIMIT, e.rule(), e.getMessage());
        assertTrue(e.getMessage().startsWith("layer " + DIGEST + ": "), e.getMessage());
    }

    @Test
    void tooManyEntriesStopAtTheEntryLimit() throws IOException {
        TarBuilder tar = new TarBuilder();
        for (int i = 0; i < 50; i++) {
            tar.file("f" + i, 0644, "");
        }
        refused(tar, UnpackOptions.rootlessDefaults().withMaxEntries(20), Rule.ENTRY_LIMIT, "f20");
    }

    @Test
    void aTruncatedOrCorruptLayerIsMalformed() throws IOException {
        byte[] gz = new TarBuilder().file("a", 0644, "x".repeat(10_000)).gzip();
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        UnpackException e = assertThrows(UnpackException.class, () -> LayerUnpacker.unpack(TarBuilder.stream(cut),
                DIGEST, target, UnpackOptions.rootlessDefaults()));
        assertEquals(Rule.MALFORMED, e.rule(), e.getMessage());
        assertTrue(e.getMessage().contains(DIGEST), e.getMessage());
    }

    private void refused(TarBuilder layer, Rule rule, String entry) throws IOException {
        refused(layer, UnpackOptions.rootlessDefaults(), rule, entry);
    }

    private void refused(TarBuilder layer, UnpackOptions options, Rule rule, String entry) throws IOException {
        String before = Trees.listing(outside);
        byte[] tar = layer.tar();
        UnpackException e = assertThrows(UnpackException.class,
                () -> LayerUnpacker.unpack(TarBuilder.stream(tar), DIGEST, target, options));
        check(e, rule, entry);
        assertEquals(before, Trees.listing(outside), "nothing changed outside the target");
        try (var names = Files.list(base)) {
            assertEquals(java.util.List.of("outside", "target"), names.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "nothing made beside the target");
        }
        Trees.delete(target); // what the store does on failure: the half-unpacked target can be removed
        assertFalse(Files.exists(target));
        Files.createDirectory(target);
    }

    private static void check(UnpackException e, Rule rule, String entry) {
        assertEquals(rule, e.rule(), e.getMessage());
        assertEquals(DIGEST, e.layerDigest());
        assertTrue(e.getMessage().startsWith("layer " + DIGEST + ": entry \""), e.getMessage());
        assertTrue(e.getMessage().contains(rule.description()), e.getMessage());
        if (entry != null) {
            assertEquals(entry, e.entry());
        }
    }
}
