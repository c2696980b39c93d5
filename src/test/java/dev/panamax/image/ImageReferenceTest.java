package dev.panamax.image;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * References read as docker and podman read them (distribution/reference's grammar and normalization), and a
 * specific message for each malformed one; the canonical form reads back to the same reference.
 */
class ImageReferenceTest {
    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
            "bitnami/redis:7.2, docker.io/bitnami/redis:7.2",
            "quay.io/podman/stable, quay.io/podman/stable:latest",
            "ghcr.io/org/team/app:v1.2.3-rc_1, ghcr.io/org/team/app:v1.2.3-rc_1",
            "localhost/app, localhost/app:latest",
            "localhost:5000/app:dev, localhost:5000/app:dev",
            "registry:5000/app, registry:5000/app:latest",
            "127.0.0.1:5000/a/b, 127.0.0.1:5000/a/b:latest",
            "[::1]:5000/app:x, [::1]:5000/app:x",
            "Registry/app, Registry/app:latest",
            "my-registry.example.com/a__b/c.d/e--f, my-registry.example.com/a__b/c.d/e--f:latest",
            "localhost:5000, docker.io/library/localhost:5000",
            "busybox@sha256:" + HEX + ", docker.io/library/busybox@sha256:" + HEX,
            "busybox:1.36@sha256:" + HEX + ", docker.io/library/busybox:1.36@sha256:" + HEX,
    })
    void aReferenceReadsAsDockerReadsIt(String text, String canonical) {
        ImageReference reference = ImageReference.parse(text);
        assertEquals(canonical, reference.toString());
        assertEquals(reference, ImageReference.parse(canonical));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "''| image reference is empty",
            "Busybox| repository path 'Busybox' must be lowercase",
            "docker.io/Library/busybox| repository path 'Library/busybox' must be lowercase",
            "busybox:| the tag after ':' is empty",
            "busybox:-x| tag '-x' is not",
            "busybox:a+b| tag 'a+b' is not",
            "busybox@| the digest after '@' is empty",
            "busybox@sha256:abc| 64 hex digits, not 3",
            "busybox@md5:abc| algorithm 'md5' is not supported",
            "busybox@" + HEX + "| has no algorithm",
            "foo//bar| part 2 of the repository path 'foo//bar' is empty",
            "quay.io/| the repository path is empty",
            ":tag| the name is empty",
            "a/b-/c| repository path part 'b-' is not",
            "a/_b| repository path part '_b' is not",
            "a/b___c| repository path part 'b___c' is not",
            "ex_ample.com/app| registry part 'ex_ample' is not letters",
            "example..com/app| registry 'example..com' has an empty part",
            "localhost:50a0/app| registry port '50a0' is not a number",
            HEX + "| is a 64-digit hex string",
    })
    void aMalformedReferenceIsRefusedNamingTheProblem(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(text));
        assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
    }

    @Property(tries = 300)
    void parsingTheCanonicalFormGivesTheSameReference(@ForAll("references") String text) {
        ImageReference reference = ImageReference.parse(text);
        assertEquals(reference, ImageReference.parse(reference.toString()));
        assertEquals(reference.toString(), ImageReference.parse(reference.toString()).toString());
    }

    @Property(tries = 200)
    void aNameLongerThan255IsRefused(@ForAll("longNames") String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(name));
        assertTrue(e.getMessage().contains("longer than 255"), e.getMessage());
    }

    @Provide
    Arbitrary<String> references() {
        Arbitrary<String> alnum = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1)
                .ofMaxLength(6);
        Arbitrary<String> separator = Arbitraries.of(".", "_", "__", "-", "--");
        Arbitrary<String> component = Combinators.combine(alnum, separator, alnum, Arbitraries.integers().between(0, 1))
                .as((a, s, b, two) -> two == 0 ? a : a + s + b);
        Arbitrary<String> path = component.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
        Arbitrary<String> registry = Arbitraries.of("", "localhost/", "localhost:5000/", "quay.io/", "docker.io/",
                "index.docker.io/", "r-1.example.com:443/", "[::1]:80/", "Upper/");
        Arbitrary<String> tag = Arbitraries.strings().withChars("abcXYZ019_.-").ofMinLength(0).ofMaxLength(10)
                .filter(t -> t.isEmpty() || !(t.startsWith(".") || t.startsWith("-")))
                .map(t -> t.isEmpty() ? "" : ":" + t);
        Arbitrary<String> digest = Arbitraries.of("", "@sha256:" + HEX);
        return Combinators.combine(registry, path, tag, digest).as((r, p, t, d) -> r + p + t + d);
    }

    @Provide
    Arbitrary<String> longNames() {
        return Arbitraries.integers().between(256, 400).map(n -> "quay.io/" + "a".repeat(n - 8));
    }
}
