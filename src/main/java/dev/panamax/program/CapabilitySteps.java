package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.sys.Errno;
import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Every capability up to the kernel's last (and the enum's, EINVAL if the kernel lacks it) not kept. */
    static void dropBoundingSet(Emit e) {
        Set<Capability> kept = e.spec().hardening().capabilities();
        int last = Math.max(e.host().capLastCap(), Capability.LAST.number());
        for (int cap = 0; cap <= last; cap++) {
            if (cap <= Capability.LAST.number() && kept.contains(Capability.ofNumber(cap))) {
                continue;
            }
            e.add(cap < DROPS.size() ? DROPS.get(cap) : drop(cap));
        }
    }

    /** prctl(PR_CAPBSET_DROP, cap) for each number a 64-bit capability set can hold: the same in every program. */
    private static final List<Step> DROPS = java.util.stream.IntStream.range(0, 64).mapToObj(CapabilitySteps::drop)
            .toList();

    private static Step drop(int cap) {
        return Step.of("drop every capability not kept from the bounding set", "prctl",
                Arg.flags(Flags.PR_CAPBSET_DROP), Arg.flags(capability(cap)))
                .tolerating(Errno.number("EINVAL")).hinting(Hints.BOUNDING_SET);
    }

    /** Without it a change from uid 0 clears the permitted set, and capset could not restore it. */
    static void keepAcrossIdentityChange(Emit e) {
        e.add(Step.of("keep the permitted set if the uid changes (execve resets this)", "prctl",
                Arg.flags(Flags.PR_SET_KEEPCAPS), new Arg.Word(1)));
    }

    /** Permitted = effective = the kept set; inheritable = the ambient set. */
    static void setSets(Emit e) {
        Set<Capability> kept = known(e, e.spec().hardening().capabilities());
        Set<Capability> inheritable = known(e, e.spec().hardening().ambientCapabilities());
        e.add(Memo.of(CAPSETS, List.of(Set.copyOf(kept), Set.copyOf(inheritable)), k -> capset(kept, inheritable)));
    }

    /** The capset step for each (kept, inheritable) pair seen: specs repeat them, and a step is immutable. */
    private static final Map<List<Set<Capability>>, Step> CAPSETS = new ConcurrentHashMap<>();

    private static Step capset(Set<Capability> kept, Set<Capability> inheritable) {
        Flag version = Flags._LINUX_CAPABILITY_VERSION_3;
        long k = Capability.mask(kept);
        return Step.of("set the permitted, effective and inheritable capabilities", "capset",
                Arg.Struct.perArch(arch -> KernelStructs.capHeader((int) version.value(arch), 0),
                        "version=" + version.name() + ", pid=0"),
                new Arg.Struct(KernelStructs.capData(k, k, Capability.mask(inheritable)),
                        "effective=permitted=" + names(kept) + ", inheritable=" + names(inheritable)))
                .hinting(Hints.CAPSET);
    }

    static void ambient(Emit e) {
        e.add(Step.of("clear the ambient capabilities", "prctl", Arg.flags(Flags.PR_CAP_AMBIENT),
                Arg.flags(Flags.PR_CAP_AMBIENT_CLEAR_ALL), new Arg.Word(0), new Arg.Word(0), new Arg.Word(0)));
        for (Capability c : known(e, e.spec().hardening().ambientCapabilities())) {
            e.add(Step.of("raise an ambient capability", "prctl", Arg.flags(Flags.PR_CAP_AMBIENT),
                    Arg.flags(Flags.PR_CAP_AMBIENT_RAISE), Arg.flags(capability(c.number())), new Arg.Word(0),
                    new Arg.Word(0)).hinting(Hints.AMBIENT));
        }
    }

    /** Capability {@code cap} by its kernel name, or {@code cap N} beyond the enum (a newer kernel's). */
    private static Flag capability(int cap) {
        return cap <= Capability.LAST.number() ? new Flag(Capability.ofNumber(cap).kernelName(), cap)
                : new Flag("cap " + cap, cap);
    }

    /** The capabilities the host's kernel has: capset refuses bits beyond its last, and they mean nothing to it. */
    private static Set<Capability> known(Emit e, Set<Capability> caps) {
        int last = e.host().capLastCap();
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        caps.stream().filter(c -> c.number() <= last).forEach(out::add);
        return out;
    }

    private static String names(Set<Capability> caps) {
        return caps.isEmpty() ? "none" : caps.stream().map(Capability::name).collect(Collectors.joining("|"));
    }
}
