package dev.panamax.program;

import dev.panamax.NamespaceJoin;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Flag;

import java.util.List;
import java.util.Locale;

/**
 * Join the existing namespaces the spec names ({@code ContainerSpec.joins()}): {@code setns} on the descriptor
 * the launcher opened (the namespace file, or the other container's pidfd with the flags of every namespace
 * shared), then close it, so the container never holds it. These come right after the parent's go, before
 * any mount: sysfs shows the network namespace, and mqueue the IPC namespace, of the process that mounts it.
 * The clone made no new namespace of these types (the spec's namespace set leaves them out).
 */
final class JoinSteps {
    private JoinSteps() {
    }

    static void emit(Emit e) {
        List<NamespaceJoin> joins = e.spec().joins();
        for (int i = 0; i < joins.size(); i++) {
            NamespaceJoin join = joins.get(i);
            Arg.Word fd = e.fds().joins().get(i);
            Flag[] flags = join.namespaces().stream().sorted().map(JoinSteps::cloneFlag).toArray(Flag[]::new);
            String kinds = String.join("+", join.namespaces().stream().sorted().map(Namespace::procName).toList());
            Step setns = Step.of("join the " + kinds + " namespace" + (flags.length > 1 ? "s" : "") + " of "
                    + join.source(), "setns", fd, Arg.flags(flags));
            e.add(join.path().isEmpty() ? setns : setns.hinting(Hint.Cause.NOT_A_NAMESPACE.hint(join.path().get()
                    + " is no " + kinds + " namespace: give a namespace file, such as /run/netns/NAME (ip netns add)"
                    + " or /proc/PID/ns/" + kinds)));
            e.add(Step.of("close the joined namespace's descriptor", "close", fd));
        }
    }

    /** {@code CLONE_NEWNET} for NET: the name the kernel's headers give the namespace's flag. */
    static Flag cloneFlag(Namespace ns) {
        return new Flag(ns == Namespace.MOUNT ? "CLONE_NEWNS" : "CLONE_NEW" + ns.procName().toUpperCase(Locale.ROOT),
                ns.flag());
    }
}
