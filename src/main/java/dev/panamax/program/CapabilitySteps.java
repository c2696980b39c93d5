package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.sys.Errno;
import dev.panamax.sys.internal.Abi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The capability sets. The bounding set is cut first, while the process still holds CAP_SETPCAP; capset
 * then sets permitted, effective and inheritable; ambient last, since the kernel raises an ambient
 * capability only if it is permitted and inheritable. For root, execve gives back exactly the bounding set
 * as permitted and effective, so the ambient set stays empty unless asked for.
 */
final class CapabilitySteps {
    private CapabilitySteps() {
    }

    /** The kernel's last capability: it cannot change while the JVM runs. */
    private static final int KERNEL_LAST_CAP = readLastCap(Path.of("/proc/sys/kernel/cap_last_cap"));

    /** Every capability up to the kernel's last (and the enum's, EINVAL if the kernel lacks it) not kept. */
    static void dropBoundingSet(Emit e) {
        Set<Capability> kept = e.spec().hardening().capabilities();
        int last = Math.max(kernelLastCap(), Capability.LAST.number());
        for (int cap = 0; cap <= last; cap++) {
            if (cap <= Capability.LAST.number() && kept.contains(Capability.ofNumber(cap))) {
                continue;
            }
            String name = cap <= Capability.LAST.number() ? Capability.ofNumber(cap).kernelName() : "cap " + cap;
            e.add(Step.of("drop every capability not kept from the bounding set", "prctl",
                    new Arg.Word(Abi.PR_CAPBSET_DROP, "PR_CAPBSET_DROP"), new Arg.Word(cap, name))
                    .tolerating(Errno.number("EINVAL")).hinting(Hints.BOUNDING_SET));
        }
    }

    /** Without it a change from uid 0 clears the permitted set, and capset could not restore it. */
    static void keepAcrossIdentityChange(Emit e) {
        e.add(Step.of("keep the permitted set if the uid changes (execve resets this)", "prctl",
                new Arg.Word(Abi.PR_SET_KEEPCAPS, "PR_SET_KEEPCAPS"), new Arg.Word(1)));
    }

    /** Permitted = effective = the kept set; inheritable = the ambient set. */
    static void setSets(Emit e) {
        Set<Capability> kept = known(e.spec().hardening().capabilities());
        Set<Capability> inheritable = known(e.spec().hardening().ambientCapabilities());
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        header.putInt(Abi._LINUX_CAPABILITY_VERSION_3).putInt(0);
        long k = Capability.mask(kept);
        long i = Capability.mask(inheritable);
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()); // __user_cap_data_struct[2]
        data.putInt((int) k).putInt((int) k).putInt((int) i);
        data.putInt((int) (k >>> 32)).putInt((int) (k >>> 32)).putInt((int) (i >>> 32));
        e.add(Step.of("set the permitted, effective and inheritable capabilities", "capset",
                new Arg.Struct(header.array(), "version=_LINUX_CAPABILITY_VERSION_3, pid=0"),
                new Arg.Struct(data.array(), "effective=permitted=" + names(kept) + ", inheritable=" + names(inheritable)))
                .hinting(Hints.CAPSET));
    }

    static void ambient(Emit e) {
        e.add(Step.of("clear the ambient capabilities", "prctl", new Arg.Word(Abi.PR_CAP_AMBIENT, "PR_CAP_AMBIENT"),
                new Arg.Word(Abi.PR_CAP_AMBIENT_CLEAR_ALL, "PR_CAP_AMBIENT_CLEAR_ALL"), new Arg.Word(0),
                new Arg.Word(0), new Arg.Word(0)));
        for (Capability c : known(e.spec().hardening().ambientCapabilities())) {
            e.add(Step.of("raise an ambient capability", "prctl", new Arg.Word(Abi.PR_CAP_AMBIENT, "PR_CAP_AMBIENT"),
                    new Arg.Word(Abi.PR_CAP_AMBIENT_RAISE, "PR_CAP_AMBIENT_RAISE"),
                    new Arg.Word(c.number(), c.kernelName()), new Arg.Word(0), new Arg.Word(0)).hinting(Hints.AMBIENT));
        }
    }

    /** The capabilities this kernel has: capset refuses bits beyond its last, and they mean nothing to it. */
    private static Set<Capability> known(Set<Capability> caps) {
        int last = kernelLastCap();
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        caps.stream().filter(c -> c.number() <= last).forEach(out::add);
        return out;
    }

    private static String names(Set<Capability> caps) {
        return caps.isEmpty() ? "none" : caps.stream().map(Capability::name).collect(Collectors.joining("|"));
    }

    static int kernelLastCap() {
        return KERNEL_LAST_CAP;
    }

    /** {@code /proc/sys/kernel/cap_last_cap} (read in the parent), or the enum's last if it cannot be read. */
    private static int readLastCap(Path file) {
        try {
            // Files.readString returns "4" for this file on JDK 25 (a short first read of a sysctl file)
            return Integer.parseInt(Files.readAllLines(file).getFirst().strip());
        } catch (IOException | RuntimeException e) {
            return Capability.LAST.number();
        }
    }
}
