package dev.panamax.sys.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void everyFlagIsNamedAfterItsFieldAndHasTheBindingsValue() throws Exception {
        int checked = 0;
        for (Field f : Flags.class.getFields()) {
            assertTrue(Modifier.isStatic(f.getModifiers()) && f.getType() == Flag.class, f.getName());
            Flag flag = (Flag) f.get(null);
            assertEquals(f.getName(), flag.name());
            for (String arch : List.of("x86_64", "aarch64")) {
                long expected = switch (flag.name()) {
                    case "NULL" -> 0;
                    case "TIOCSCTTY" -> Bindings.ioctl("TIOCSCTTY"); // asm-generic on both
                    default -> Bindings.constant(flag.name(), arch);
                };
                assertEquals(expected, flag.value(arch), flag.name() + " on " + arch);
            }
            assertEquals(flag.value(ArchConstants.RUNNING), flag.value(), flag.name());
            checked++;
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    @Test
    void orJoinsNamesAndValuesInOrder() {
        Flag f = Flag.or(Flags.O_PATH, Flags.O_DIRECTORY, Flags.O_CLOEXEC);
        assertEquals("O_PATH|O_DIRECTORY|O_CLOEXEC", f.name());
        assertEquals(Bindings.constant("O_PATH") | Bindings.constant("O_DIRECTORY") | Bindings.constant("O_CLOEXEC"),
                f.value());
        assertEquals(Flag.NONE, Flag.or());
        assertEquals("AT_EMPTY_PATH|AT_RECURSIVE", Flags.AT_EMPTY_PATH.orIf(true, Flags.AT_RECURSIVE).name());
        assertEquals(Flags.AT_EMPTY_PATH, Flags.AT_EMPTY_PATH.orIf(false, Flags.AT_RECURSIVE));
        assertEquals(new Flag("S_IFREG|0644", Bindings.constant("S_IFREG") | 0644), Flag.or(Flags.S_IFREG, Flag.octal(0644)));
    }

    @Test
    void orJoinsEachArchitecturesValues() {
        Flag f = Flag.or(Flags.O_PATH, Flags.O_DIRECTORY, Flags.O_CLOEXEC);
        assertEquals(0x290000, f.value("x86_64"));
        assertEquals(0x284000, f.value("aarch64"));
        assertTrue(f.perArch());
        assertFalse(Flag.or(Flags.O_PATH, Flags.O_CLOEXEC).perArch());
        assertEquals(new Flag("O_CLOEXEC|O_DIRECTORY", 0x90000, 0x84000), Flags.O_CLOEXEC.orIf(true, Flags.O_DIRECTORY));
    }
}
