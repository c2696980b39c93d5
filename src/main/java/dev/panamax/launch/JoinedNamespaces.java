package dev.panamax.launch;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.NamespaceJoin;
import dev.panamax.program.Arg;
import dev.panamax.program.ChildFds;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The launch's descriptors of the namespaces its spec joins ({@code ContainerSpec.joins()}), opened by the
 * parent before the clone and passed to the child, which calls {@code setns} on them ({@code JoinSteps}): a
 * namespace file opened {@code O_RDONLY|O_CLOEXEC}, or a close-on-exec copy of the other container's pidfd
 * (taken while that container is known to run, so its pid cannot have been recycled). A missing path or an
 * ended container fails here, naming the field, the path or container, the call and the errno.
 */
final class JoinedNamespaces {
    private JoinedNamespaces() {
    }

    /** One descriptor per join, in the spec's order; on failure none stays open. */
    static int[] open(ContainerSpec spec) {
        List<NamespaceJoin> joins = spec.joins();
        int[] fds = new int[joins.size()];
        Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < fds.length; i++) {
                fds[i] = open(spec, joins.get(i));
            }
            return fds;
        } catch (RuntimeException | Error failure) {
            Launch.closeAll(fds);
            throw failure;
        }
    }

    /** The child's arguments for {@code fds}, named as in plans ({@code ns_net}, {@code pidfd_0}). */
    static List<Arg.Word> args(ContainerSpec spec, int[] fds) {
        List<Arg.Word> args = new ArrayList<>();
        for (int i = 0; i < fds.length; i++) {
            args.add(ChildFds.fd(fds[i], ChildFds.joinName(spec.joins().get(i), i)));
        }
        return args;
    }

    private static int open(ContainerSpec spec, NamespaceJoin join) {
        String what = "joins: open the " + join.namespaces().iterator().next() + " namespace " + join.source();
        if (join.path().isPresent()) {
            try {
                return Libc.open(join.path().get().toString(), Abi.O_RDONLY | Abi.O_CLOEXEC, 0);
            } catch (ErrnoException e) {
                throw FailureReport.parentCall(spec, what, "open", e.errno(), e);
            }
        }
        Container other = join.container().get();
        String share = "joins: share the namespaces " + new java.util.TreeSet<>(join.namespaces()) + " of "
                + join.source();
        if (!(other instanceof RunningContainer running)) {
            throw FailureReport.refused(spec, share, "pidfd", "it is no container this JVM launched");
        }
        try {
            return running.duplicatePidfd();
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, share, "fcntl", e.errno(), e);
        } catch (IllegalStateException ended) {
            throw FailureReport.refused(spec, share, "pidfd", ended.getMessage(), ended);
        }
    }
}
