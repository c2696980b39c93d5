package dev.panamax.sys;

import java.util.EnumSet;
import java.util.Set;

/** TEMPORARY stand-in until the sys layer lands. */
public enum Namespace {
    MOUNT(0x00020000, "mnt"), UTS(0x04000000, "uts"), IPC(0x08000000, "ipc"), NET(0x40000000, "net"),
    PID(0x20000000, "pid"), CGROUP(0x02000000, "cgroup"), TIME(0x00000080, "time"), USER(0x10000000, "user");

    private final long flag;
    private final String procName;

    Namespace(long flag, String procName) { this.flag = flag; this.procName = procName; }
    public long flag() { return flag; }
    public String procName() { return procName; }
    public static long flags(Set<Namespace> set) { long f = 0; for (Namespace n : set) f |= n.flag; return f; }
    public static EnumSet<Namespace> fromFlags(long flags) {
        EnumSet<Namespace> s = EnumSet.noneOf(Namespace.class);
        for (Namespace n : values()) if ((flags & n.flag) != 0) s.add(n);
        return s;
    }
}
