package dev.panamax.program;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link KernelRelease}: the release strings kernels print, and overlay's legacy escaping. Pure. */
class KernelReleaseTest {

    @Test
    void theMajorAndMinorVersionDecideWhatTheKernelHas() {
        KernelRelease debian12 = KernelRelease.parse("6.1.0-27-amd64\n");
        assertEquals(new KernelRelease("6.1.0-27-amd64", 6, 1), debian12);
        assertFalse(debian12.atLeast(6, 8));
        assertTrue(debian12.atLeast(5, 12));
        assertTrue(KernelRelease.parse("6.8.0-49-generic").atLeast(6, 8));
        assertTrue(KernelRelease.parse("6.18.0").atLeast(6, 8), "minor 18 is after minor 8");
        assertTrue(KernelRelease.parse("7.0").atLeast(6, 8));
        assertFalse(KernelRelease.parse("5.15.0-1").atLeast(6, 8));
    }

    @Test
    void aReleaseThatIsNoVersionIsUnknownAndTakenAsRecent() {
        for (String odd : new String[] {"", "linux", "6", "99999999999.1"}) {
            KernelRelease k = KernelRelease.parse(odd);
            assertEquals(KernelRelease.UNKNOWN, k, odd);
            assertTrue(k.unknown() && k.atLeast(6, 8), odd);
        }
    }

    @Test
    void thisMachinesReleaseIsReadOnceAndIsTheHosts() {
        assertFalse(KernelRelease.running().unknown(), "/proc/sys/kernel/osrelease is readable here");
        assertEquals(KernelRelease.running(), Host.current().kernel());
    }

    @Test
    void overlaysLegacyParserGetsCommaColonAndBackslashEscaped() {
        assertEquals("/a\\,b\\:c\\\\d", OverlaySteps.escape("/a,b:c\\d"));
        assertEquals("/var/lib/panamax/layers/ab12", OverlaySteps.escape("/var/lib/panamax/layers/ab12"));
    }
}
