package dev.panamax.image;

import io.airlift.compress.zstd.ZstdOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Builds layer tars for the tests with Commons Compress: names kept as given (absolute ones too). */
final class TarBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    /** An archive in memory: {@link #tar}, {@link #gzip()}, {@link #zstd()}. */
    TarBuilder() {
        this(null);
    }

    /** An archive streamed into {@code out} (for example a gzip stream), ended by {@link #close()}. */
    TarBuilder(OutputStream out) {
        tar = new TarArchiveOutputStream(out == null ? bytes : out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    static TarArchiveEntry entry(String name, byte type) {
        return new TarArchiveEntry(name, type, true);
    }

    TarBuilder dir(String name, int mode) {
        TarArchiveEntry e = entry(name, TarConstants.LF_DIR);
        e.setMode(mode);
        return add(e, null);
    }

    TarBuilder file(String name, int mode, String content) {
        return file(name, mode, content.getBytes(StandardCharsets.UTF_8));
    }

    TarBuilder file(String name, int mode, byte[] content) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(mode);
        e.setSize(content.length);
        return add(e, content);
    }

    /** A file of {@code size} zero bytes, streamed. */
    TarBuilder zeros(String name, long size) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(0644);
        e.setSize(size);
        try {
            tar.putArchiveEntry(e);
            byte[] block = new byte[1 << 16];
            for (long left = size; left > 0; left -= block.length) {
                tar.write(block, 0, (int) Math.min(block.length, left));
            }
            tar.closeArchiveEntry();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return this;
    }

    TarBuilder symlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        return add(e, null);
    }

    TarBuilder hardLink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        return add(e, null);
    }

    /** A character or block device ({@code TarConstants.LF_CHR}, {@code LF_BLK}) or, with 0:0, a fifo. */
    TarBuilder device(String name, byte type, int major, int minor, int mode) {
        TarArchiveEntry e = entry(name, type);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(mode);
        return add(e, null);
    }

    TarBuilder add(TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return this;
    }

    /** Ends a streaming archive. */
    void close() throws IOException {
        tar.finish();
        tar.close();
    }

    byte[] tar() throws IOException {
        tar.finish();
        return bytes.toByteArray();
    }

    byte[] gzip() throws IOException {
        return compress(GZIPOutputStream::new);
    }

    byte[] zstd() throws IOException {
        return compress(ZstdOutputStream::new);
    }

    private interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private byte[] compress(Compressor c) throws IOException {
        byte[] plain = tar();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = c.wrap(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    static InputStream stream(byte[] b) {
        return new java.io.ByteArrayInputStream(b);
    }

}
