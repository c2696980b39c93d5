package dev.panamax.seccomp;

import dev.panamax.seccomp.ClassicBpfInterpreter.SeccompData;
import dev.panamax.sys.internal.SyscallTable;

/** Shared helpers: seccomp_data for a named call, run through the test interpreter. */
final class FilterTesting {

    private FilterTesting() {
    }

    static int nr(String syscall) {
        return SyscallTable.nativeTable().number(syscall).orElseThrow();
    }

    static SeccompData call(String syscall, long... args) {
        return call(FilterSemantics.AUDIT_ARCH_X86_64, nr(syscall), args);
    }

    static SeccompData call(int arch, int nr, long... args) {
        long[] six = new long[6];
        System.arraycopy(args, 0, six, 0, args.length);
        return new SeccompData(nr, arch, 0x401000L, six);
    }

    static int run(CompiledFilter filter, SeccompData data) {
        return new ClassicBpfInterpreter(filter.bytes()).run(data);
    }
}
