package dev.panamax;

import dev.panamax.sys.internal.Abi;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capability and Rlimit numbers against the kernel headers (through the bindings), and name parsing. */
class CapabilityTest {

    @Test
    void numbersMatchTheHeaders() {
        Map<Capability, Integer> headers = Map.ofEntries(Map.entry(Capability.CHOWN, Abi.CAP_CHOWN),
                Map.entry(Capability.SETPCAP, Abi.CAP_SETPCAP), Map.entry(Capability.NET_ADMIN, Abi.CAP_NET_ADMIN),
                Map.entry(Capability.SYS_ADMIN, Abi.CAP_SYS_ADMIN), Map.entry(Capability.SYS_BOOT, Abi.CAP_SYS_BOOT),
                Map.entry(Capability.MKNOD, Abi.CAP_MKNOD), Map.entry(Capability.SETFCAP, Abi.CAP_SETFCAP),
                Map.entry(Capability.AUDIT_READ, Abi.CAP_AUDIT_READ), Map.entry(Capability.PERFMON, Abi.CAP_PERFMON),
                Map.entry(Capability.BPF, Abi.CAP_BPF),
                Map.entry(Capability.CHECKPOINT_RESTORE, Abi.CAP_CHECKPOINT_RESTORE));
        headers.forEach((c, n) -> assertEquals(n, c.number(), c.kernelName()));
        assertEquals(Abi.CAP_LAST_CAP, Capability.LAST.number());
        for (Capability c : Capability.values()) {
            assertEquals(c.ordinal(), c.number(), "numbers are dense, in order");
            assertEquals(c, Capability.ofNumber(c.number()));
        }
        assertEquals(Abi.RLIMIT_NOFILE, Rlimit.NOFILE.number());
        assertEquals(Abi.RLIMIT_NPROC, Rlimit.NPROC.number());
        assertEquals(Abi.RLIMIT_RTTIME, Rlimit.RTTIME.number());
        assertEquals(Abi.RLIMIT_NLIMITS, Rlimit.values().length);
        for (Rlimit r : Rlimit.values()) {
            assertEquals(r.ordinal(), r.number(), r.kernelName());
        }
        assertEquals(Abi.RLIM_INFINITY, Rlimit.UNLIMITED);
    }

    @Test
    void parseAcceptsKernelAndShortNames() {
        assertEquals(Capability.NET_ADMIN, Capability.parse("CAP_NET_ADMIN"));
        assertEquals(Capability.NET_ADMIN, Capability.parse("net_admin"));
        assertEquals(Capability.NET_ADMIN, Capability.parse(" cap_net_admin "));
        for (Capability c : Capability.values()) {
            assertEquals(c, Capability.parse(c.kernelName()));
        }
    }

    @Test
    void parseRejectsUnknownNamesWithASuggestion() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Capability.parse("CAP_NET_ADMN"));
        assertTrue(e.getMessage().contains("unknown capability 'CAP_NET_ADMN'")
                && e.getMessage().contains("did you mean CAP_NET_ADMIN?"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Capability.parse("root"));
        assertTrue(e.getMessage().startsWith("unknown capability 'root'") && !e.getMessage().contains("did you mean"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Capability.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Capability.ofNumber(41));
    }

    @Test
    void theDefaultSetIsOcis() {
        assertEquals(EnumSet.of(Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.FSETID, Capability.FOWNER,
                Capability.MKNOD, Capability.NET_RAW, Capability.SETGID, Capability.SETUID, Capability.SETFCAP,
                Capability.SETPCAP, Capability.NET_BIND_SERVICE, Capability.SYS_CHROOT, Capability.KILL,
                Capability.AUDIT_WRITE), Capability.defaultSet());
        assertThrows(UnsupportedOperationException.class, () -> Capability.defaultSet().add(Capability.SYS_ADMIN));
        assertEquals(0xa80425fbL, Capability.mask(Capability.defaultSet()));
    }
}
