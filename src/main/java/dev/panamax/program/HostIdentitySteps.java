package dev.panamax.program;

import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;

import java.nio.charset.StandardCharsets;


/** The container's names (UTS namespace) and network (a new net namespace has only {@code lo}, down). */
final class HostIdentitySteps {
    private HostIdentitySteps() {
    }

    static void emit(Emit e) {
        e.spec().hostname().ifPresent(h -> e.add(Step.of("set the hostname", "sethostname", new Arg.CString(h),
                new Arg.Word(h.getBytes(StandardCharsets.UTF_8).length))));
        e.spec().domainname().ifPresent(d -> e.add(Step.of("set the domain name", "setdomainname",
                new Arg.CString(d), new Arg.Word(d.getBytes(StandardCharsets.UTF_8).length))));
        if (e.spec().has(Namespace.NET)) {
            loopback(e);
        }
    }

    private static void loopback(Emit e) {
        LOOPBACK_UP.forEach(e::add);
    }

    /** The same three steps in every program with a network namespace, made once. */
    private static final java.util.List<Step> LOOPBACK_UP = java.util.List.of(
            Step.of("open a socket to configure lo", "socket", Arg.flags(Flags.AF_INET),
                    Arg.flags(Flags.SOCK_DGRAM, Flags.SOCK_CLOEXEC), new Arg.Word(0)).savingAs("sock"),
            Step.of("bring loopback up", "ioctl", new Arg.Result("sock"), Arg.flags(Flags.SIOCSIFFLAGS),
                    Arg.Struct.perArch(arch -> KernelStructs.ifreqFlags("lo", (int) Flags.IFF_UP.value(arch)),
                            "ifr_name=\"lo\", ifr_flags=" + Flags.IFF_UP.name())),
            Step.of("close the socket", "close", new Arg.Result("sock")));
}
