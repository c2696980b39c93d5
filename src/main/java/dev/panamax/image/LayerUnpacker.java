package dev.panamax.image;

import dev.panamax.image.EntryName.RefusedName;
import dev.panamax.image.UnpackException.Rule;
import dev.panamax.sys.BeneathDirectory;
import dev.panamax.sys.ErrnoException;

import io.airlift.compress.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks one OCI image layer (a tar stream, gzip or zstd compressed or plain) into a directory, as an
 * overlay lower layer: OCI whiteouts become overlay whiteouts, and nothing in the layer can write
 * outside the directory.
 *
 * <p><b>What is applied.</b> Regular files (content, mode with setuid, setgid and sticky bits, mtime),
 * directories, symlinks (their text exactly), hard links to earlier entries of the same layer,
 * fifos; as root also owners and device nodes. A later entry of the same name replaces an earlier
 * one (a directory stays a directory and takes the later metadata). Extended attributes (PAX
 * {@code SCHILY.xattr.*}): {@code user.*} is kept but {@code user.overlay.*}; {@code security.capability}
 * is kept as root when its value survived the archive's UTF-8 decoding; every other one
 * ({@code trusted.*}, other {@code security.*}, {@code system.*} ACLs) is dropped with a note: the layer
 * must not forge overlay metadata.
 *
 * <p><b>Whiteouts.</b> {@code DIR/.wh.NAME} becomes {@code DIR/NAME} as a character device 0:0, also rootless
 * (Linux 5.8+ lets an unprivileged user make that one device, and every overlay reads it from a lower layer,
 * mounted with {@code userxattr} or not); a file system that refuses it (overlayfs does) fails the unpack with
 * {@link Rule#WHITEOUT_REFUSED}. {@code DIR/.wh..wh..opq} makes {@code DIR} opaque:
 * {@code trusted.overlay.opaque=y}, rootless {@code user.overlay.opaque=y} (the form an overlay mounted with
 * {@code userxattr} reads). A whiteout for a name the same layer also holds is not made: the layer's own entry
 * wins.
 *
 * <p><b>Refusals.</b> Every path is resolved by the kernel beneath the target directory with no symlink
 * followed ({@link BeneathDirectory}): an absolute name, a {@code ..} component, a NUL, an entry through a
 * symlink or a non-directory, a hard link to anything but an earlier entry, a whiteout naming
 * {@code .}/{@code ..}, an entry replacing the target itself, too many bytes or entries: each throws
 * {@link UnpackException} naming the layer, the entry and the {@link Rule}. The target then holds part of
 * the layer: unpack into a fresh temporary directory that nothing else writes to, and delete it on failure
 * (the store does). Within such a directory the only writer is the unpacker, so a name checked as not a
 * symlink stays one until it is used.
 */
public final class LayerUnpacker {
    private static final byte[] GZIP = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    /**
     * The most bytes the tar reader may read to find one entry: its header blocks, PAX and GNU long-name
     * headers (which Commons Compress holds in memory whole), and skipped content of an entry not read.
     */
    static final int MAX_HEADER_BYTES = 8 << 20;

    private LayerUnpacker() {}

    /**
     * Unpacks {@code layer} into {@code targetDir}, detecting gzip, zstd or a plain tar by its first bytes.
     * Does not close {@code layer}.
     *
     * @param layer       the layer blob, compressed or plain
     * @param layerDigest the layer's digest, named in every error
     * @param targetDir   an existing, empty directory (not a symlink) that only this call writes to
     * @param options     rootless or not, and the limits
     * @return what was unpacked, with notes on what was skipped
     * @throws UnpackException if the layer breaks a rule, is malformed, or a write fails; delete {@code targetDir}
     * @throws IOException     if reading {@code layer} fails
     * @throws IllegalStateException if Commons Compress or aircompressor is missing ({@link ImageSupport#require()})
     */
    public static UnpackSummary unpack(InputStream layer, String layerDigest, Path targetDir, UnpackOptions options)
            throws IOException {
        ImageSupport.require();
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(layerDigest, "layerDigest");
        Objects.requireNonNull(targetDir, "targetDir");
        Objects.requireNonNull(options, "options");
        return Tar.unpack(layer, layerDigest, targetDir, options);
    }

    /**
     * The code that touches Commons Compress and aircompressor, in a class of its own: loading it needs their
     * classes (the verifier checks its calls against them), so it is loaded only after {@link ImageSupport#require}.
     */
    private static final class Tar {
        private Tar() {
        }

        static UnpackSummary unpack(InputStream layer, String layerDigest, Path targetDir, UnpackOptions options)
                throws IOException {
            InputStream plain = decompress(new BufferedInputStream(new NonClosing(layer), 1 << 16), layerDigest);
            BeneathDirectory root;
            try {
                root = BeneathDirectory.open(targetDir);
            } catch (ErrnoException e) {
                throw new UnpackException(layerDigest, null, Rule.WRITE_FAILED, "target directory " + targetDir, e);
            }
            HeaderBudget budget = new HeaderBudget(plain, layerDigest);
            try (root; budget; TarArchiveInputStream tar = new TarArchiveInputStream(budget)) {
                LayerWriter writer = new LayerWriter(root, layerDigest, options);
                for (TarArchiveEntry entry = next(tar, budget); entry != null; entry = next(tar, budget)) {
                    writer.write(entry, tar);
                }
                writer.finish();
                return writer.summary();
            }
        }

        private static TarArchiveEntry next(TarArchiveInputStream tar, HeaderBudget budget) throws UnpackException {
            budget.arm();
            try {
                return tar.getNextEntry();
            } catch (UnpackException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new UnpackException(budget.layerDigest, null, Rule.MALFORMED, e.getMessage(), e);
            } finally {
                budget.disarm();
            }
        }

        /** The tar stream inside {@code in}, by magic bytes: gzip, zstd or (anything else) plain. */
        private static InputStream decompress(BufferedInputStream in, String layerDigest) throws IOException {
            in.mark(ZSTD.length);
            byte[] magic = in.readNBytes(ZSTD.length);
            in.reset();
            try {
                if (startsWith(magic, GZIP)) {
                    return new GZIPInputStream(in, 1 << 16);
                }
                if (startsWith(magic, ZSTD)) {
                    return new Malformed(new ZstdInputStream(in), layerDigest);
                }
            } catch (IOException | RuntimeException e) {
                throw new UnpackException(layerDigest, null, Rule.MALFORMED, e.getMessage(), e);
            }
            return in;
        }
    }

    /** Counts what the tar reader reads while it looks for the next entry: a PAX header bomb stops here. */
    private static final class HeaderBudget extends java.io.FilterInputStream {
        private final String layerDigest;
        private long left = -1; // -1: disarmed

        HeaderBudget(InputStream in, String layerDigest) {
            super(in);
            this.layerDigest = layerDigest;
        }

        void arm() {
            left = MAX_HEADER_BYTES;
        }

        void disarm() {
            left = -1;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(Math.max(n, 0));
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return read(new byte[(int) Math.min(n, 1 << 16)], 0, (int) Math.min(n, 1 << 16)); // counted
        }

        private void count(int n) throws UnpackException {
            if (left >= 0 && (left -= n) < 0) {
                throw new UnpackException(layerDigest, null, Rule.HEADER_LIMIT, "more than " + MAX_HEADER_BYTES
                        + " bytes read to find one entry", null);
            }
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0,
                prefix.length);
    }

    /** The caller's stream, which the unpacker does not close. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller closes its stream
        }
    }

    /** Turns a decoder's unchecked failure (aircompressor throws those) into an {@link IOException}. */
    private static final class Malformed extends java.io.FilterInputStream {
        private final String layerDigest;

        Malformed(InputStream in, String layerDigest) {
            super(in);
            this.layerDigest = layerDigest;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (RuntimeException e) {
                throw new UnpackException(layerDigest, null, Rule.MALFORMED, e.getMessage(), e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (RuntimeException e) {
                throw new UnpackException(layerDigest, null, Rule.MALFORMED, e.getMessage(), e);
            }
        }
    }

    /** Maps a refused name to the exception naming the layer and the entry. */
    static UnpackException refused(String layerDigest, String entry, RefusedName e, String detail) {
        return new UnpackException(layerDigest, entry, e.rule(), detail, null);
    }
}
