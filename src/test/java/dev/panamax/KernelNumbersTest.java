package dev.panamax;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.sys.internal.Bindings;
import org.junit.jupiter.api.Test;

/**
 * The public enums carry kernel numbers written by hand (an exported package must not depend on the
 * bindings); this test pins each of them to the headers.
 */
class KernelNumbersTest {

    @Test
    void capabilities() {
        for (Capability c : Capability.values()) {
            assertEquals(Bindings.constant("CAP_" + c.name()), c.number(), c.name());
        }
        assertEquals(Bindings.constant("CAP_LAST_CAP"), Capability.LAST.number());
    }

    /** The names {@link ExitStatus} prints for the signal numbers 1..31. */
    @Test
    void signalNames() {
        for (int n = 1; n <= 31; n++) {
            String name = ExitStatus.Signals.name(n);
            assertEquals(Bindings.constant(name), n, name);
        }
    }

    @Test
    void resourceLimits() {
        assertEquals(Bindings.constant("RLIM_INFINITY"), Rlimit.UNLIMITED);
        for (Rlimit r : Rlimit.values()) {
            assertEquals(Bindings.constant(r.kernelName()), r.number(), r.kernelName());
        }
    }
}
