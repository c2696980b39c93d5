package dev.panamax.sys;

import dev.panamax.sys.internal.Libc;
import dev.panamax.sys.internal.SyscallTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The {@code bpf(2)} calls a cgroup v2 device policy needs: load a {@code BPF_PROG_TYPE_CGROUP_DEVICE}
 * program, attach it to a cgroup directory. Failures throw {@link ErrnoException} (a refused program with
 * the start of the verifier's log).
 *
 * <pre>{@code
 * int prog = Bpf.loadCgroupDeviceProgram(DeviceProgram.compile(rules));
 * Bpf.attachCgroupDevice(cgroupDirFd, prog);   // the cgroup keeps the program; close prog afterwards
 * }</pre>
 */
public final class Bpf {
    // union bpf_attr (linux/bpf.h): the commands and the fields used here
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    private static final int BPF_CGROUP_DEVICE = 6;
    private static final int BPF_F_ALLOW_MULTI = 2;
    private static final int ATTR_SIZE = 128; // larger than either command's part; the rest stays zero
    private static final int LOG_SIZE = 64 * 1024;

    private Bpf() {
    }

    /**
     * Loads {@code insns} (8 bytes per instruction) as a cgroup device program; returns its descriptor. The
     * verifier writes no log on the way (a launch pays for none); a refused program is loaded once more with
     * the log on, for the message.
     *
     * @param insns the program, as {@link dev.panamax.cgroup.DeviceProgram#compile} makes it
     * @return the program's file descriptor; the caller closes it
     * @throws ErrnoException if the kernel refuses the program, with the verifier's log
     */
    public static int loadCgroupDeviceProgram(byte[] insns) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = programLoad(insns, arena);
            try {
                return (int) bpf(BPF_PROG_LOAD, attr);
            } catch (ErrnoException refused) {
                MemorySegment log = arena.allocate(LOG_SIZE);
                attr.set(ValueLayout.JAVA_INT, 24, 1);              // log_level
                attr.set(ValueLayout.JAVA_INT, 28, LOG_SIZE);       // log_size
                attr.set(ValueLayout.JAVA_LONG, 32, log.address()); // log_buf
                try {
                    Libc.close((int) bpf(BPF_PROG_LOAD, attr));      // not expected: take the first answer
                } catch (ErrnoException again) {
                    // the log now says why
                }
                String text = log.getString(0, StandardCharsets.UTF_8).strip();
                throw new ErrnoException("bpf(BPF_PROG_LOAD)", refused.errno(), "a cgroup device program of "
                        + insns.length / 8 + " instructions" + (text.isEmpty() ? ""
                        : "; verifier: " + (text.length() > 500 ? text.substring(0, 500) + "..." : text)));
            }
        }
    }

    /** {@code union bpf_attr} for BPF_PROG_LOAD: type, instructions, license; no log. */
    private static MemorySegment programLoad(byte[] insns, Arena arena) {
        MemorySegment code = arena.allocate(insns.length, 8);
        MemorySegment.copy(MemorySegment.ofArray(insns), 0, code, 0, insns.length);
        MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
        attr.set(ValueLayout.JAVA_INT, 0, BPF_PROG_TYPE_CGROUP_DEVICE);
        attr.set(ValueLayout.JAVA_INT, 4, insns.length / 8);
        attr.set(ValueLayout.JAVA_LONG, 8, code.address());
        attr.set(ValueLayout.JAVA_LONG, 16, arena.allocateFrom("Apache-2.0").address());
        return attr;
    }

    /**
     * Attaches program {@code prog} to the cgroup open as {@code cgroupDir} (with BPF_F_ALLOW_MULTI).
     *
     * @param cgroupDir a descriptor of the cgroup's v2 directory
     * @param prog      a descriptor of a loaded cgroup device program
     * @throws ErrnoException if the kernel refuses
     */
    public static void attachCgroupDevice(int cgroupDir, int prog) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, cgroupDir);          // target_fd
            attr.set(ValueLayout.JAVA_INT, 4, prog);               // attach_bpf_fd
            attr.set(ValueLayout.JAVA_INT, 8, BPF_CGROUP_DEVICE);  // attach_type
            attr.set(ValueLayout.JAVA_INT, 12, BPF_F_ALLOW_MULTI); // attach_flags
            bpf(BPF_PROG_ATTACH, attr);
        }
    }

    private static long bpf(int command, MemorySegment attr) {
        return Libc.syscall("bpf", SyscallTable.nativeTable().number("bpf").orElseThrow(), command, attr.address(),
                ATTR_SIZE);
    }
}
