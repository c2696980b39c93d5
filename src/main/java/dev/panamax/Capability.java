package dev.panamax;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A Linux capability, with its kernel number ({@code linux/capability.h}).
 *
 * <pre>{@code
 * Capability c = Capability.parse("net_admin");   // NET_ADMIN, also "CAP_NET_ADMIN"
 * c.number();                                      // 12
 * Set<Capability> keep = Capability.defaultSet();  // OCI/Docker defaults: CHOWN, KILL, ...
 * }</pre>
 */
public enum Capability {
    CHOWN(0), DAC_OVERRIDE(1), DAC_READ_SEARCH(2), FOWNER(3), FSETID(4), KILL(5), SETGID(6), SETUID(7),
    SETPCAP(8), LINUX_IMMUTABLE(9), NET_BIND_SERVICE(10), NET_BROADCAST(11), NET_ADMIN(12), NET_RAW(13),
    IPC_LOCK(14), IPC_OWNER(15), SYS_MODULE(16), SYS_RAWIO(17), SYS_CHROOT(18), SYS_PTRACE(19), SYS_PACCT(20),
    SYS_ADMIN(21), SYS_BOOT(22), SYS_NICE(23), SYS_RESOURCE(24), SYS_TIME(25), SYS_TTY_CONFIG(26), MKNOD(27),
    LEASE(28), AUDIT_WRITE(29), AUDIT_CONTROL(30), SETFCAP(31), MAC_OVERRIDE(32), MAC_ADMIN(33), SYSLOG(34),
    WAKE_ALARM(35), BLOCK_SUSPEND(36), AUDIT_READ(37), PERFMON(38), BPF(39), CHECKPOINT_RESTORE(40);

    /** The highest capability this enum knows ({@code CAP_LAST_CAP} of the headers it was written from). */
    public static final Capability LAST = CHECKPOINT_RESTORE;

    private static final Set<Capability> DEFAULT_SET = Set.copyOf(EnumSet.of(CHOWN, DAC_OVERRIDE, FSETID, FOWNER,
            MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE));

    private final int number;

    Capability(int number) {
        this.number = number;
    }

    /** The kernel's number for this capability ({@code CAP_NET_ADMIN} is 12). */
    public int number() {
        return number;
    }

    /** The name as the kernel headers spell it: {@code CAP_NET_ADMIN}. */
    public String kernelName() {
        return "CAP_" + name();
    }

    /**
     * The capabilities a container keeps unless told otherwise: the OCI runtime spec's and Docker's
     * default set (CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
     * NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE). Immutable.
     */
    public static Set<Capability> defaultSet() {
        return DEFAULT_SET;
    }

    /**
     * The capability named {@code name}, with or without the {@code CAP_} prefix, in any case.
     *
     * @throws IllegalArgumentException for a name no capability has (the message suggests a close one)
     */
    public static Capability parse(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("capability name is null or blank");
        }
        String key = name.strip().toUpperCase(Locale.ROOT);
        if (key.startsWith("CAP_")) {
            key = key.substring(4);
        }
        for (Capability c : values()) {
            if (c.name().equals(key)) {
                return c;
            }
        }
        Capability near = nearest(key);
        throw new IllegalArgumentException("unknown capability '" + name + "': expected a name such as CAP_NET_ADMIN"
                + " or net_admin" + (near == null ? "" : "; did you mean " + near.kernelName() + "?"));
    }

    /** The capability with kernel number {@code number}. */
    public static Capability ofNumber(int number) {
        if (number < 0 || number > LAST.number) {
            throw new IllegalArgumentException("no capability has number " + number + " (known: 0.." + LAST.number + ")");
        }
        return values()[number];
    }

    /** The capabilities as a 64-bit mask, bit {@code number()} per capability ({@code CapEff} in /proc/self/status). */
    public static long mask(Collection<Capability> caps) {
        long m = 0;
        for (Capability c : caps) {
            m |= 1L << c.number;
        }
        return m;
    }

    /** The capability whose name is within two edits of {@code key}, if any: a likely typo. */
    private static Capability nearest(String key) {
        Capability best = null;
        int bestDistance = 3;
        for (Capability c : values()) {
            int d = distance(c.name(), key);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
