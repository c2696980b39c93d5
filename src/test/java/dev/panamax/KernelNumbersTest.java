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

    @Test
    void resourceLimits() {
        assertEquals(Bindings.constant("RLIM_INFINITY"), Rlimit.UNLIMITED);
        for (Rlimit r : Rlimit.values()) {
            assertEquals(Bindings.constant(r.kernelName()), r.number(), r.kernelName());
        }
    }
}
