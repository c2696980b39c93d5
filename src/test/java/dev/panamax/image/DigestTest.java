package dev.panamax.image;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Digests: sha256 of bytes and streams, the canonical text, and a named error for each malformed digest. */
class DigestTest {
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void theDigestOfBytesAndOfTheSameStreamIsTheKnownSha256() throws Exception {
        assertEquals("sha256:" + EMPTY, Digest.of(new byte[0]).toString());
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        Digest d = Digest.of(abc);
        assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d.toString());
        assertEquals(d, Digest.of(new ByteArrayInputStream(abc)));
        assertEquals(d, Digest.parse(d.toString()));
    }

    @Test
    void aMalformedDigestIsRefusedNamingTheProblem() {
        assertMessage("sha256" + EMPTY, "has no algorithm");
        assertMessage("sha512:" + EMPTY + EMPTY, "algorithm 'sha512' is not supported");
        assertMessage("sha256:" + EMPTY.substring(1), "64 hex digits, not 63");
        assertMessage("sha256:" + EMPTY.toUpperCase(), "character 1 of the hex is 'E', not a lowercase hex digit");
        assertMessage("sha256:" + EMPTY.substring(0, 63) + "g", "character 64 of the hex is 'g'");
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Digest.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
