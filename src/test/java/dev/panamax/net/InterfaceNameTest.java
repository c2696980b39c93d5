package dev.panamax.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Interface names are checked as the kernel's {@code dev_valid_name} does, before any request is sent. */
class InterfaceNameTest {

    @Provide
    Arbitrary<String> validNames() {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars('/', ':').ofMinLength(1).ofMaxLength(15)
                .filter(n -> !n.equals(".") && !n.equals(".."));
    }

    @Property(tries = 300)
    void aNameTheKernelAcceptsIsAccepted(@ForAll("validNames") String name) {
        Rtnetlink.checkName("name", name);
    }

    @Property(tries = 300)
    void aNameWithASlashColonOrSpaceIsRefusedNamingTheField(@ForAll("validNames") String name,
                                                            @ForAll("badCharacters") char bad) {
        String bent = name.substring(0, Math.min(name.length(), 14)) + bad;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rtnetlink.checkName("peerName", bent));
        assertEquals("peerName: interface name \"" + bent + "\" contains '/', ':', NUL or white space", e.getMessage());
    }

    @Provide
    Arbitrary<Character> badCharacters() {
        return Arbitraries.of('/', ':', ' ', '\t', '\n', '\0');
    }

    @Test
    void emptyLongAndDotNamesAreRefused() {
        assertEquals("name: interface name \"\" is empty",
                assertThrows(IllegalArgumentException.class, () -> Rtnetlink.checkName("name", "")).getMessage());
        assertEquals("link: interface name \"pmx456789abcdef0\" is 16 bytes, longer than 15",
                assertThrows(IllegalArgumentException.class, () -> Rtnetlink.checkName("link", "pmx456789abcdef0"))
                        .getMessage());
        assertEquals("name: interface name \"ééééééééx\" is 17 bytes, longer than 15",
                assertThrows(IllegalArgumentException.class, () -> Rtnetlink.checkName("name", "ééééééééx"))
                        .getMessage(), "the limit is in bytes of UTF-8");
        assertEquals("name: interface name \"..\" is reserved",
                assertThrows(IllegalArgumentException.class, () -> Rtnetlink.checkName("name", "..")).getMessage());
        Rtnetlink.checkName("name", "pmx456789abcdef");
    }
}
