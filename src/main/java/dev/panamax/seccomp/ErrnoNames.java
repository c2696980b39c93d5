package dev.panamax.seccomp;

import java.util.Map;

/** Names of the errno values a seccomp profile usually returns, for readable output only. */
final class ErrnoNames {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(22, "EINVAL"),
            Map.entry(38, "ENOSYS"), Map.entry(95, "EOPNOTSUPP"));

    private ErrnoNames() {
    }

    /** {@code "EPERM"} for 1; the decimal number when the value has no name here. */
    static String name(int errno) {
        return NAMES.getOrDefault(errno, Integer.toString(errno));
    }
}
