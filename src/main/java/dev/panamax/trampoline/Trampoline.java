package dev.panamax.trampoline;

import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The native entry that clones a child and runs a child program in it.
 *
 * <p>The machine code is mapped once per JVM: written into a private read-write mapping, then
 * {@code mprotect}ed read-execute, so it is never writable and executable at once.
 *
 * <pre>{@code
 * long pid = Trampoline.get().spawn(cloneArgs, program);   // pid, or -errno of clone3
 * }</pre>
 */
public final class Trampoline {

    private static volatile Trampoline instance;

    private final MethodHandle entry;
    private final long address;

    private Trampoline(MethodHandle entry, long address) {
        this.entry = entry;
        this.address = address;
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
        byte[] code = Arch.current().code();
        MemorySegment region = Libc.mmap(4096, Abi.PROT_READ | Abi.PROT_WRITE, Abi.MAP_PRIVATE | Abi.MAP_ANONYMOUS);
        MemorySegment.copy(MemorySegment.ofArray(code), 0, region, 0, code.length);
        Libc.mprotect(region, Abi.PROT_READ | Abi.PROT_EXEC);
        MethodHandle handle = Linker.nativeLinker().downcallHandle(region,
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS));
        return new Trampoline(handle, region.address());
    }

    /**
     * Calls {@code clone3(cloneArgs, cloneArgs.byteSize())}; the child runs {@code program}.
     *
     * <p>The program, everything it points to and the child's stack must stay allocated until the
     * child has exec'd or died: with {@code CLONE_VM} the child lives in this process's memory.
     *
     * @return the child's pid in the caller's pid namespace, or {@code -errno} when clone3 failed
     */
    public long spawn(MemorySegment cloneArgs, MemorySegment program) {
        return spawn(cloneArgs.address(), cloneArgs.byteSize(), program.address());
    }

    /**
     * As {@link #spawn(MemorySegment, MemorySegment)}, by address: for a thread that does not own the memory
     * (the cloner thread clones with the launch's memory, which a confined arena of the launcher thread owns
     * and keeps alive until the clone has returned).
     */
    public long spawn(long cloneArgs, long cloneArgsSize, long program) {
        try {
            return (long) entry.invokeExact(MemorySegment.ofAddress(cloneArgs), cloneArgsSize,
                    MemorySegment.ofAddress(program));
        } catch (Throwable t) {
            throw new AssertionError("the trampoline entry cannot throw", t);
        }
    }

}
