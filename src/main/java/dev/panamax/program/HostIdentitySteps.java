package dev.panamax.program;

import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static dev.panamax.program.Emit.flags;

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
        e.add(Step.of("open a socket to configure lo", "socket", new Arg.Word(Abi.AF_INET, "AF_INET"),
                flags(Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, "SOCK_DGRAM|SOCK_CLOEXEC"), new Arg.Word(0))
                .savingAs("sock"));
        ByteBuffer ifreq = ByteBuffer.allocate((int) Abi.SIZEOF_IFREQ).order(ByteOrder.nativeOrder());
        ifreq.put("lo".getBytes(StandardCharsets.US_ASCII));
        ifreq.putShort((int) Abi.OFFSETOF_IFREQ_FLAGS, (short) Abi.IFF_UP);
        e.add(Step.of("bring loopback up", "ioctl", new Arg.Result("sock"),
                new Arg.Word(Abi.SIOCSIFFLAGS, "SIOCSIFFLAGS"),
                new Arg.Struct(ifreq.array(), "ifr_name=\"lo\", ifr_flags=IFF_UP")));
        e.add(Step.of("close the socket", "close", new Arg.Result("sock")));
    }
}
