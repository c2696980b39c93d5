package dev.panamax.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.bindings.linux_h;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void knownNumbersHaveTheirNamesAndTexts() {
        assertEquals("EPERM", Errno.name(1));
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("ENOSYS", Errno.name(38));
        assertEquals("Operation not permitted", Errno.describe(1));
        assertEquals(2, Errno.number("ENOENT"));
    }

    /** The table is written out (naming an errno needs no native access): it is exactly the bindings' E* constants. */
    @Test
    void tableIsTheBindingsErrnoConstants() throws ReflectiveOperationException {
        Map<String, Integer> bindings = new HashMap<>();
        for (Method m : linux_h.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0 && m.getReturnType() == int.class
                    && m.getName().matches("E[A-Z0-9]+")) {
                bindings.put(m.getName(), (Integer) m.invoke(null));
            }
        }
        assertEquals(bindings, Errno.table());
    }

    @Test
    void aliasesResolveToTheUsualName() {
        assertEquals("EAGAIN", Errno.name(Errno.number("EWOULDBLOCK")));
        assertEquals("EDEADLK", Errno.name(Errno.number("EDEADLOCK")));
        assertEquals("EOPNOTSUPP", Errno.name(Errno.number("ENOTSUP")));
    }

    @Test
    void everyNameMapsBackToAnAliasOfItself() {
        assertTrue(Errno.names().size() > 130, "table read from the bindings: " + Errno.names().size());
        for (String name : Errno.names()) {
            int n = Errno.number(name);
            assertTrue(n > 0 && n < 4096, name);
            assertEquals(n, Errno.number(Errno.name(n)), name);
        }
    }

    @Test
    void unknownValuesAreStillPrintable() {
        assertEquals("E9999", Errno.name(9999));
        assertEquals("Unknown error 9999", Errno.describe(9999));
        assertThrows(IllegalArgumentException.class, () -> Errno.number("ENOTANERRNO"));
    }

    @Test
    void exceptionMessageCarriesEverything() {
        ErrnoException e = new ErrnoException("open", 13, "\"/etc/shadow\"", "run as root");
        assertEquals("open(\"/etc/shadow\"): EACCES (Permission denied); run as root", e.getMessage());
        assertEquals("\"/etc/shadow\"", e.detail());
    }
}
