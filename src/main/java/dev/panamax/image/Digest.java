package dev.panamax.image;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest as OCI writes it: {@code sha256:} and 64 lowercase hex digits (the only algorithm images use
 * in practice; others are refused by name).
 *
 * @param hex the 64 lowercase hex digits
 */
public record Digest(String hex) {
    /** The algorithm prefix. */
    public static final String SHA256 = "sha256";
    private static final int HEX_LENGTH = 64;

    /**
     * Validates the hex digits.
     *
     * @param hex the 64 lowercase hex digits
     * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex digits
     */
    public Digest {
        if (hex.length() != HEX_LENGTH) {
            throw new IllegalArgumentException("digest: a sha256 digest has 64 hex digits, not " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new IllegalArgumentException("digest: character " + (i + 1) + " of the hex is '" + c
                        + "', not a lowercase hex digit");
            }
        }
    }

    /**
     * Parses {@code sha256:<64 hex>}.
     *
     * @param text the digest as written in manifests and references
     * @return the digest
     * @throws IllegalArgumentException naming what is wrong: no algorithm, another algorithm, the hex length or
     *                                  a character
     */
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("digest: '" + shorten(text) + "' has no algorithm (sha256:...)");
        }
        String algorithm = text.substring(0, colon);
        if (!algorithm.equals(SHA256)) {
            throw new IllegalArgumentException("digest: algorithm '" + shorten(algorithm)
                    + "' is not supported (only sha256)");
        }
        return new Digest(text.substring(colon + 1));
    }

    /**
     * The sha256 digest of some bytes.
     *
     * @param bytes the content
     * @return its digest
     */
    public static Digest of(byte[] bytes) {
        return new Digest(HexFormat.of().formatHex(sha256().digest(bytes)));
    }

    /**
     * The sha256 digest of a stream, read to its end (not closed).
     *
     * @param in the content
     * @return its digest
     * @throws IOException if reading fails
     */
    public static Digest of(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            md.update(buffer, 0, n);
        }
        return new Digest(HexFormat.of().formatHex(md.digest()));
    }

    /** A fresh sha256 message digest (every JDK has it). */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK implements SHA-256", e);
        }
    }

    /** The digest a finished message digest computed. */
    static Digest of(MessageDigest finished) {
        return new Digest(HexFormat.of().formatHex(finished.digest()));
    }

    /** The canonical form, {@code sha256:<hex>}. */
    @Override
    public String toString() {
        return SHA256 + ":" + hex;
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
