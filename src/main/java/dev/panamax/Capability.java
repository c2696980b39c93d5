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
    /** Change the owner and group of files. */
    CHOWN(0),
    /** Bypass file read, write and execute permission checks. */
    DAC_OVERRIDE(1),
    /** Bypass file read and directory search permission checks. */
    DAC_READ_SEARCH(2),
    /** Bypass checks that the caller owns the file (chmod, utimes, ...). */
    FOWNER(3),
    /** Keep set-user-id and set-group-id bits when a file is modified. */
    FSETID(4),
    /** Send signals to any process. */
    KILL(5),
    /** Change group ids; write a user namespace's gid map. */
    SETGID(6),
    /** Change user ids; write a user namespace's uid map. */
    SETUID(7),
    /** Drop capabilities from the bounding set; change securebits. */
    SETPCAP(8),
    /** Set the immutable and append-only file attributes. */
    LINUX_IMMUTABLE(9),
    /** Bind ports below 1024. */
    NET_BIND_SERVICE(10),
    /** Socket broadcasting and multicast listening (unused by the kernel). */
    NET_BROADCAST(11),
    /** Configure interfaces, addresses, routes, firewalls and the like. */
    NET_ADMIN(12),
    /** Use raw and packet sockets. */
    NET_RAW(13),
    /** Lock memory ({@code mlock}, {@code MAP_LOCKED}, {@code SHM_LOCK}). */
    IPC_LOCK(14),
    /** Bypass permission checks on System V IPC objects. */
    IPC_OWNER(15),
    /** Load and unload kernel modules. */
    SYS_MODULE(16),
    /** Raw I/O: {@code iopl}, {@code ioperm}, {@code /dev/mem} and the like. */
    SYS_RAWIO(17),
    /** Call {@code chroot}; join mount namespaces with {@code setns}. */
    SYS_CHROOT(18),
    /** Trace and inspect any process ({@code ptrace}, {@code process_vm_readv}). */
    SYS_PTRACE(19),
    /** Switch process accounting on and off. */
    SYS_PACCT(20),
    /** Many administrative operations: mount, namespaces, {@code sethostname}, {@code swapon}, ... */
    SYS_ADMIN(21),
    /** Reboot, and load a new kernel ({@code kexec_load}). */
    SYS_BOOT(22),
    /** Raise priorities; set the scheduling policy and CPU affinity of any process. */
    SYS_NICE(23),
    /** Exceed resource limits and quotas; raise hard limits. */
    SYS_RESOURCE(24),
    /** Set the system clock. */
    SYS_TIME(25),
    /** {@code vhangup} and privileged ioctls on virtual terminals. */
    SYS_TTY_CONFIG(26),
    /** Create device files with {@code mknod}. */
    MKNOD(27),
    /** Take leases on files the caller does not own. */
    LEASE(28),
    /** Write records to the kernel audit log. */
    AUDIT_WRITE(29),
    /** Configure kernel auditing. */
    AUDIT_CONTROL(30),
    /** Set file capabilities; map uid 0 into a new user namespace. */
    SETFCAP(31),
    /** Override mandatory access control (Smack). */
    MAC_OVERRIDE(32),
    /** Configure mandatory access control (Smack). */
    MAC_ADMIN(33),
    /** Privileged {@code syslog} operations; see kernel addresses. */
    SYSLOG(34),
    /** Set timers that wake the system ({@code CLOCK_REALTIME_ALARM}, {@code CLOCK_BOOTTIME_ALARM}). */
    WAKE_ALARM(35),
    /** Keep the system from suspending ({@code EPOLLWAKEUP}). */
    BLOCK_SUSPEND(36),
    /** Read the audit log over a multicast netlink socket. */
    AUDIT_READ(37),
    /** Performance monitoring ({@code perf_event_open}). */
    PERFMON(38),
    /** Privileged BPF operations: create maps, load programs. */
    BPF(39),
    /** Checkpoint and restore: choose pids ({@code clone3} {@code set_tid}, {@code ns_last_pid}). */
    CHECKPOINT_RESTORE(40);

    /** The highest capability this enum knows ({@code CAP_LAST_CAP} of the headers it was written from). */
    public static final Capability LAST = CHECKPOINT_RESTORE;

    private static final Set<Capability> DEFAULT_SET = Set.copyOf(EnumSet.of(CHOWN, DAC_OVERRIDE, FSETID, FOWNER,
            MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE));

    private final int number;

    Capability(int number) {
        this.number = number;
    }

    /** {@return the kernel's number for this capability ({@code CAP_NET_ADMIN} is 12)} */
    public int number() {
        return number;
    }

    /** {@return the name as the kernel headers spell it: {@code CAP_NET_ADMIN}} */
    public String kernelName() {
        return "CAP_" + name();
    }

    /**
     * The capabilities a container keeps unless told otherwise: the OCI runtime spec's and Docker's
     * default set (CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
     * NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE).
     *
     * @return the default set, immutable
     */
    public static Set<Capability> defaultSet() {
        return DEFAULT_SET;
    }

    /**
     * The capability named {@code name}, with or without the {@code CAP_} prefix, in any case.
     *
     * @param name a name such as {@code "CAP_NET_ADMIN"} or {@code "net_admin"}
     * @return the capability
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

    /**
     * {@return the capability with kernel number {@code number}}
     *
     * @param number 0 to {@code LAST.number()}
     * @throws IllegalArgumentException if no capability has that number
     */
    public static Capability ofNumber(int number) {
        if (number < 0 || number > LAST.number) {
            throw new IllegalArgumentException("no capability has number " + number + " (known: 0.." + LAST.number + ")");
        }
        return values()[number];
    }

    /**
     * {@return the capabilities as a 64-bit mask} Bit {@code number()} per capability, as {@code CapEff} in
     * {@code /proc/self/status}.
     *
     * @param caps the capabilities
     */
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
