package dev.panamax.trampoline;

import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The native entry that clones a child and runs a child program in it.
 *
 * <p>The machine code ({@link Arch#code()}: x86-64's or arm64's) is mapped once per JVM, never writable and
 * executable at once: written into a sealed memfd with {@code write(2)}, then mapped read-execute from it. The
 * kernel writes the bytes through its own mapping of the page-cache page and, on an architecture whose
 * instruction cache is not coherent with data writes (arm64), cleans and invalidates the caches for that
 * page when it first maps it executable, so the CPU fetches what was written and not stale lines (a copy
 * into anonymous memory would need {@code __clear_cache}, that is {@code dc cvau}/{@code ic ivau}, which
 * Java cannot issue).
 *
 * <pre>{@code
 * long pid = Trampoline.get().spawn(cloneArgs, program);   // pid, or -errno of clone3 (or clone)
 * }</pre>
 *
 * <p>Where {@code clone3} fails with ENOSYS (an old kernel, or a seccomp filter such as Docker's default
 * profile, which refuses it so that libc falls back to {@code clone}, whose flags a filter can read), it
 * clones with {@code clone} instead, as glibc does: found out once per JVM by a call that creates nothing
 * ({@code clone3(NULL, 0)}: EINVAL where clone3 exists), and again if a spawn's clone3 says ENOSYS. With
 * clone, the kernel stores the pidfd where the parent's tid would go: {@code CLONE_PARENT_SETTID} is left
 * out and {@code clone_args.parent_tid} is not written.
 */
public final class Trampoline {

    private static volatile Trampoline instance;
    private static final int ENOSYS = dev.panamax.sys.Errno.number("ENOSYS");
    private static final int EINVAL = dev.panamax.sys.Errno.number("EINVAL");

    private final MethodHandle entry;
    private final MethodHandle cloneEntry;
    private final long address;

    private Trampoline(MethodHandle entry, MethodHandle cloneEntry, long address) {
        this.entry = entry;
        this.cloneEntry = cloneEntry;
        this.address = address;
    }

    /** Whether clone3 says ENOSYS in this JVM: probed on first use; from then on, every spawn uses clone. */
    private static final class Clone3 {
        static volatile boolean refused = !clone3Exists();
    }

    /** Where the code is mapped (for diagnostics and the test that checks it is never writable). */
    public long codeAddress() {
        return address;
    }

    /**
     * The trampoline of this JVM, mapped on first use.
     *
     * @throws UnsupportedOperationException on a CPU architecture without an interpreter
     */
    public static Trampoline get() {
        Trampoline t = instance;
        if (t == null) {
            synchronized (Trampoline.class) {
                t = instance;
                if (t == null) {
                    t = instance = map();
                }
            }
        }
        return t;
    }

    // Linker.downcallHandle on our own code is the one restricted call outside the sys layer: it is what
    // turns the mapped bytes into something Java can call.
    @SuppressWarnings("restricted")
    private static Trampoline map() {
        MachineCode code = Arch.current().code();
        MemorySegment region = mapExecutable(code.bytes());
        FunctionDescriptor entry = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        MethodHandle clone3 = Linker.nativeLinker().downcallHandle(region, entry);
        MethodHandle clone = Linker.nativeLinker().downcallHandle(region.asSlice(code.cloneEntry()), entry);
        return new Trampoline(clone3, clone, region.address());
    }

    /** {@code code} in a read-execute private mapping of a sealed memfd (closed again: the mapping keeps it). */
    private static MemorySegment mapExecutable(byte[] code) {
        int fd = memfd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, code);
            for (long done = 0; done < code.length; ) {
                done += Libc.write(fd, bytes.asSlice(done), code.length - done);
            }
            Libc.fcntl(fd, Abi.F_ADD_SEALS, Abi.F_SEAL_SEAL | Abi.F_SEAL_SHRINK | Abi.F_SEAL_GROW | Abi.F_SEAL_WRITE);
            return Libc.mmap(code.length, Abi.PROT_READ | Abi.PROT_EXEC, Abi.MAP_PRIVATE, fd);
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * A memfd for the code: {@code MFD_NOEXEC_SEAL} where the kernel knows it (6.3+, which warns about a
     * memfd without it or {@code MFD_EXEC}, and refuses one under {@code vm.memfd_noexec=2}); it forbids
     * {@code execve} of the file, not an executable mapping of it.
     */
    private static int memfd() {
        int flags = Abi.MFD_CLOEXEC | Abi.MFD_ALLOW_SEALING;
        try {
            return Libc.memfdCreate("panamax-trampoline", flags | Abi.MFD_NOEXEC_SEAL);
        } catch (dev.panamax.sys.ErrnoException e) {
            if (!e.errnoName().equals("EINVAL")) {
                throw e;
            }
            return Libc.memfdCreate("panamax-trampoline", flags);
        }
    }

    /** {@code clone3(NULL, 0)} creates nothing: EINVAL (too small) where clone3 exists, ENOSYS where it is refused. */
    private static boolean clone3Exists() {
        try {
            Libc.syscall("clone3", Abi.SYS_clone3, 0, 0);
            return true; // cannot happen: no clone with no arguments
        } catch (dev.panamax.sys.ErrnoException e) {
            return e.errno() != ENOSYS;
        }
    }


    /**
     * The system call that creates children in this JVM: {@code "clone3"}, or {@code "clone"} where clone3
     * fails with ENOSYS (for messages and plans).
     *
     * @return {@code "clone3"} or {@code "clone"}
     */
    public static String cloneCall() {
        return Clone3.refused ? "clone" : "clone3";
    }

    /** What clone cannot pass: flags above the low 32 bits, and the low byte (the exit signal's, CLONE_NEWTIME). */
    private static final long NOT_FOR_CLONE = ~0xffff_ff00L;

    /**
     * Calls {@code clone3(cloneArgs, cloneArgs.byteSize())}, or {@code clone} with the same arguments where
     * clone3 is refused ({@link #cloneCall()}); the child runs {@code program}.
     *
     * <p>The program, everything it points to and the child's stack must stay allocated until the
     * child has exec'd or died: with {@code CLONE_VM} the child lives in this process's memory.
     *
     * @param cloneArgs a {@code struct clone_args}
     * @param program   the image of the program the child runs
     * @return the child's pid in the caller's pid namespace, or {@code -errno} when clone3 (or clone) failed;
     *         EINVAL from clone for flags only clone3 takes ({@code CLONE_NEWTIME})
     */
    public long spawn(MemorySegment cloneArgs, MemorySegment program) {
        return spawn(cloneArgs.address(), cloneArgs.byteSize(), program.address());
    }

    /**
     * As {@link #spawn(MemorySegment, MemorySegment)}, by address: for a thread that does not own the memory
     * (the cloner thread clones with the launch's memory, which a confined arena of the launcher thread owns
     * and keeps alive until the clone has returned).
     *
     * @param cloneArgs     the address of a {@code struct clone_args}
     * @param cloneArgsSize its size
     * @param program       the address of the program image
     * @return the child's pid in the caller's pid namespace, or {@code -errno}
     */
    @SuppressWarnings("restricted") // the caller's clone_args, of cloneArgsSize bytes
    public long spawn(long cloneArgs, long cloneArgsSize, long program) {
        if (!Clone3.refused) {
            long pid = call(entry, cloneArgs, cloneArgsSize, program);
            if (pid != -ENOSYS) {
                return pid;
            }
            Clone3.refused = true; // a filter installed since the probe: nothing was created, clone instead
        }
        long flags = MemorySegment.ofAddress(cloneArgs).reinterpret(cloneArgsSize)
                .get(ValueLayout.JAVA_LONG, Abi.OFFSETOF_CLONE_ARGS_FLAGS);
        if ((flags & NOT_FOR_CLONE) != 0) {
            return -EINVAL;
        }
        return call(cloneEntry, cloneArgs, cloneArgsSize, program);
    }

    private static long call(MethodHandle entry, long cloneArgs, long cloneArgsSize, long program) {
        try {
            return (long) entry.invokeExact(MemorySegment.ofAddress(cloneArgs), cloneArgsSize,
                    MemorySegment.ofAddress(program));
        } catch (Throwable t) {
            throw new AssertionError("the trampoline entry cannot throw", t);
        }
    }

}
