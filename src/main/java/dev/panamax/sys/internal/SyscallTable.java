package dev.panamax.sys.internal;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** TEMPORARY stand-in until the generated table lands. */
public final class SyscallTable {
    private static final Map<String, Integer> N = Map.ofEntries(Map.entry("read", 0), Map.entry("write", 1),
            Map.entry("close", 3), Map.entry("mount", 165), Map.entry("umount2", 166), Map.entry("pivot_root", 155),
            Map.entry("chdir", 80), Map.entry("chroot", 161), Map.entry("sethostname", 170), Map.entry("setdomainname", 171),
            Map.entry("socket", 41), Map.entry("ioctl", 16), Map.entry("dup3", 292), Map.entry("close_range", 436),
            Map.entry("prctl", 157), Map.entry("rt_sigaction", 13), Map.entry("rt_sigprocmask", 14),
            Map.entry("execve", 59), Map.entry("getpid", 39), Map.entry("exit_group", 231), Map.entry("waitid", 247),
            Map.entry("getppid", 110), Map.entry("openat", 257), Map.entry("kill", 62));
    private static final SyscallTable NATIVE = new SyscallTable();
    public static SyscallTable nativeTable() { return NATIVE; }
    public OptionalInt number(String name) { Integer n = N.get(name); return n == null ? OptionalInt.empty() : OptionalInt.of(n); }
    public Optional<String> name(int nr) { return N.entrySet().stream().filter(e -> e.getValue() == nr).map(Map.Entry::getKey).findFirst(); }
}
