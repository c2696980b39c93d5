package dev.panamax.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * A blob being downloaded, in the store under a temporary name of its digest ({@link ImageStore#partialBlobPath}),
 * so that a download cut off, or left by a JVM that was killed, is resumed by the next attempt or pull. Its digest
 * is computed over the whole blob: the bytes found in the file when opened are hashed first. {@link #commit()}
 * renames it into place only when size and digest are right. The caller holds the digest's lock
 * ({@link ImageStore#digestLock}), so no two threads or JVMs write one partial file.
 */
final class PartialBlob implements AutoCloseable {
    private final ImageStore store;
    private final Digest digest;
    private final long size;
    private final Path file;
    private final FileChannel channel;
    private MessageDigest md = Digest.sha256();
    private long length;

    private PartialBlob(ImageStore store, Digest digest, long size) throws IOException {
        this.store = store;
        this.digest = digest;
        this.size = size;
        this.file = store.partialBlobPath(digest);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** Opens the partial file of a blob, creating it, and hashes what it holds (kept if not longer than size). */
    static PartialBlob open(ImageStore store, Digest digest, long size) throws IOException {
        PartialBlob part = new PartialBlob(store, digest, size);
        try {
            long found = part.channel.size();
            if (size >= 0 && found > size) {
                part.restart();
            } else {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                for (int n; (n = part.channel.read(buffer, part.length)) > 0; buffer.clear()) {
                    part.md.update(buffer.array(), 0, n);
                    part.length += n;
                }
                part.channel.position(part.length);
            }
        } catch (IOException | RuntimeException e) {
            part.close();
            throw e;
        }
        return part;
    }

    /** The bytes held. */
    long length() {
        return length;
    }

    /** Drops what the file holds, to download the blob from its start. */
    void restart() throws IOException {
        channel.truncate(0);
        channel.position(0);
        md = Digest.sha256();
        length = 0;
    }

    /** Appends bytes, refusing more than the blob's size. */
    void write(byte[] bytes, int n) throws IOException {
        if (size >= 0 && length + n > size) {
            throw new IOException("blob " + digest + ": longer than its size " + size);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        md.update(bytes, 0, n);
        length += n;
    }

    /**
     * Verifies size and digest, then renames the blob into place. Content of another digest is dropped (it cannot
     * be resumed); a blob too short is kept.
     *
     * @return the content's digest: the blob's when it was stored, another when it was dropped
     */
    Digest commit() throws IOException {
        if (size >= 0 && length != size) {
            throw new IOException("blob " + digest + ": " + length + " bytes, its descriptor says " + size);
        }
        Digest actual = Digest.of(md);
        if (!actual.equals(digest)) {
            restart();
            return actual;
        }
        channel.force(true);
        StoreFiles.move(file, store.blobPath(digest));
        return actual;
    }

    /** Closes the file, keeping it for a later attempt unless it is empty or was committed. */
    @Override
    public void close() throws IOException {
        channel.close();
        if (length == 0) {
            Files.deleteIfExists(file);
        }
    }
}
