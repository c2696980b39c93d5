package dev.panamax.sys.internal;

import dev.panamax.bindings.__user_cap_data_struct;
import dev.panamax.bindings.__user_cap_header_struct;
import dev.panamax.bindings.ifreq;
import dev.panamax.bindings.linux_h;
import dev.panamax.bindings.mount_attr;
import dev.panamax.bindings.open_how;
import dev.panamax.bindings.rlimit;
import dev.panamax.bindings.sock_fprog;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The kernel structs a child program passes, filled through the generated layouts and returned as bytes
 * (the child program copies them into its native memory). The one struct without a binding,
 * {@code struct kernel_sigaction}, has a hand layout here ({@link #KERNEL_SIGACTION}).
 *
 * <pre>{@code
 * byte[] how = KernelStructs.openHow(Abi.O_PATH | Abi.O_CLOEXEC, 0, Abi.RESOLVE_BENEATH);   // 24 bytes
 * }</pre>
 *
 * <p>Each struct is built in a heap segment over a {@code long[]}, which is 8-aligned as the generated
 * layouts require: no native memory, no arena.
 */
public final class KernelStructs {
    private KernelStructs() {}

    /**
     * The kernel's {@code struct sigaction} for {@code rt_sigaction} (arch/x86/include/uapi/asm/signal.h on
     * x86-64; asm-generic/signal.h with {@code SA_RESTORER} on arm64, the same layout): not glibc's
     * {@code struct sigaction} (which has a 128-byte mask), so the headers give no binding for it. Written by
     * hand; a test pins its size and offsets.
     */
    public static final StructLayout KERNEL_SIGACTION = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("sa_handler"),
            ValueLayout.JAVA_LONG.withName("sa_flags"),
            ValueLayout.JAVA_LONG.withName("sa_restorer"),
            ValueLayout.JAVA_LONG.withName("sa_mask")).withName("kernel_sigaction");

    /**
     * The kernel's {@code struct rusage} (include/uapi/linux/resource.h, x86-64: two {@code timeval}s of two
     * longs, then 14 longs), which {@code waitid}'s fifth argument fills; glibc's has the same layout, but
     * the headers bind no struct that holds it. Written by hand: only user and system time and the peak RSS
     * (KiB) are read; a kernel test checks them against a child that burns CPU and memory.
     */
    public static final StructLayout RUSAGE = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("ru_utime_sec"),
            ValueLayout.JAVA_LONG.withName("ru_utime_usec"),
            ValueLayout.JAVA_LONG.withName("ru_stime_sec"),
            ValueLayout.JAVA_LONG.withName("ru_stime_usec"),
            ValueLayout.JAVA_LONG.withName("ru_maxrss"),
            MemoryLayout.paddingLayout(13 * 8)).withName("rusage");

    /** The kernel's signal set ({@code _NSIG / 8} bytes), not glibc's 128-byte {@code sigset_t}. */
    public static final long SIZEOF_KERNEL_SIGSET = (linux_h._NSIG() - 1) / 8;

    /** Where {@code struct sock_fprog} holds its pointer to the filter. */
    public static final long OFFSETOF_SOCK_FPROG_FILTER = sock_fprog.filter$offset();

    /** {@code struct open_how {flags, mode, resolve}} for {@code openat2}. */
    public static byte[] openHow(long flags, long mode, long resolve) {
        MemorySegment s = struct(open_how.sizeof());
        open_how.flags(s, flags);
        open_how.mode(s, mode);
        open_how.resolve(s, resolve);
        return bytes(s);
    }

    /** {@code struct mount_attr {attr_set, attr_clr, propagation, userns_fd}} for {@code mount_setattr}. */
    public static byte[] mountAttr(long set, long clr, long propagation, long usernsFd) {
        MemorySegment s = struct(mount_attr.sizeof());
        mount_attr.attr_set(s, set);
        mount_attr.attr_clr(s, clr);
        mount_attr.propagation(s, propagation);
        mount_attr.userns_fd(s, usernsFd);
        return bytes(s);
    }

    /** {@code struct __user_cap_header_struct {version, pid}} for {@code capset}. */
    public static byte[] capHeader(int version, int pid) {
        MemorySegment s = struct(__user_cap_header_struct.sizeof());
        __user_cap_header_struct.version(s, version);
        __user_cap_header_struct.pid(s, pid);
        return bytes(s);
    }

    /**
     * {@code struct __user_cap_data_struct[2]} for {@code capset} with version 3: the low 32 capabilities in
     * the first element, the high ones in the second.
     */
    public static byte[] capData(long effective, long permitted, long inheritable) {
        long size = __user_cap_data_struct.sizeof();
        MemorySegment s = struct(2 * size);
        for (int i = 0; i < 2; i++) {
            MemorySegment d = __user_cap_data_struct.asSlice(s, i);
            int shift = 32 * i;
            __user_cap_data_struct.effective(d, (int) (effective >>> shift));
            __user_cap_data_struct.permitted(d, (int) (permitted >>> shift));
            __user_cap_data_struct.inheritable(d, (int) (inheritable >>> shift));
        }
        return bytes(s);
    }

    /**
     * {@code struct sock_fprog {len, filter}} with a null filter pointer: the child program writes the
     * filter's address at {@link #OFFSETOF_SOCK_FPROG_FILTER}.
     */
    public static byte[] sockFprog(int length) {
        MemorySegment s = struct(sock_fprog.sizeof());
        sock_fprog.len(s, (short) length);
        return bytes(s);
    }

    /**
     * {@code struct rlimit {rlim_cur, rlim_max}}, the same 16 bytes as the kernel's {@code struct rlimit64}
     * that {@code prlimit64} takes on x86-64; all ones is {@code RLIM_INFINITY}.
     */
    public static byte[] rlimit(long soft, long hard) {
        MemorySegment s = struct(rlimit.sizeof());
        rlimit.rlim_cur(s, soft);
        rlimit.rlim_max(s, hard);
        return bytes(s);
    }

    /** {@code struct ifreq} with {@code ifr_name} and {@code ifr_flags} set, for {@code SIOCSIFFLAGS}. */
    public static byte[] ifreqFlags(String name, int flags) {
        MemorySegment s = struct(ifreq.sizeof());
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length >= linux_h.IFNAMSIZ()) {
            throw new IllegalArgumentException("interface name longer than IFNAMSIZ - 1: " + name);
        }
        MemorySegment.copy(n, 0, ifreq.ifr_ifrn(s), ValueLayout.JAVA_BYTE, 0, n.length);
        ifreq.ifr_ifru.ifru_flags(ifreq.ifr_ifru(s), (short) flags);
        return bytes(s);
    }

    /** {@code struct kernel_sigaction} with only {@code sa_handler} set ({@code SIG_DFL} is 0). */
    public static byte[] kernelSigaction(long handler) {
        MemorySegment s = struct(KERNEL_SIGACTION.byteSize());
        s.set(ValueLayout.JAVA_LONG, KERNEL_SIGACTION.byteOffset(groupElement("sa_handler")), handler);
        return bytes(s);
    }

    /** An empty kernel signal set. */
    public static byte[] emptyKernelSigset() {
        return new byte[(int) SIZEOF_KERNEL_SIGSET];
    }

    /** An array of {@code gid_t} for {@code setgroups}. */
    public static byte[] gids(List<Long> gids) {
        MemorySegment s = struct(gids.size() * linux_h.gid_t.byteSize());
        for (int i = 0; i < gids.size(); i++) {
            s.setAtIndex(linux_h.gid_t, i, (int) (long) gids.get(i)); // gid_t is 32 bits unsigned
        }
        return bytes(s);
    }

    private static MemorySegment struct(long size) {
        return MemorySegment.ofArray(new long[(int) ((size + 7) / 8)]).asSlice(0, size);
    }

    private static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
