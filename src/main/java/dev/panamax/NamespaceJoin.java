package dev.panamax;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An existing namespace the container joins instead of getting a new one: a namespace file (a
 * {@code /run/netns/NAME} made by {@code ip netns add}, a {@code /proc/PID/ns/net}), or namespaces of another
 * running {@link Container} (a pod). The launcher opens the file (or duplicates the other container's pidfd,
 * so a recycled pid is never joined) and the child calls {@code setns} on that descriptor as its first setup
 * step, before any mount that depends on the namespace (sysfs, mqueue). Only {@link #JOINABLE} namespaces:
 * see {@code ContainerSpec.Builder#joinNamespace}.
 *
 * <pre>{@code
 * NamespaceJoin.path(Namespace.NET, Path.of("/run/netns/blue"));
 * NamespaceJoin.container(web, EnumSet.of(Namespace.NET, Namespace.IPC, Namespace.UTS));
 * }</pre>
 *
 * @param namespaces the namespaces joined: one for a path, one or more for a container
 * @param path       the namespace file, absolute; empty when joining a container's
 * @param container  the container whose namespaces are joined; empty when joining a path
 */
public record NamespaceJoin(Set<Namespace> namespaces, Optional<Path> path, Optional<Container> container) {

    /**
     * The namespaces a container can join: the kernel moves the caller into these at {@code setns}. A PID or
     * time namespace is entered only by the caller's children, a mount namespace would undo the rootfs setup,
     * and a user namespace refuses {@code setns} to a child sharing the JVM's memory (EINVAL).
     */
    public static final Set<Namespace> JOINABLE =
            Set.copyOf(EnumSet.of(Namespace.NET, Namespace.IPC, Namespace.UTS, Namespace.CGROUP));

    /**
     * Checks the join.
     *
     * @throws InvalidSpecException naming the field and the rule
     */
    public NamespaceJoin {
        namespaces = Set.copyOf(namespaces);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(container, "container");
        if (path.isPresent() == container.isPresent()) {
            throw new InvalidSpecException("joins", "a join names either a namespace path or a container, not "
                    + (path.isPresent() ? "both" : "neither"));
        }
        if (namespaces.isEmpty() || path.isPresent() && namespaces.size() != 1) {
            throw new InvalidSpecException("joins", path.isPresent()
                    ? "a namespace path is one namespace, got " + new java.util.TreeSet<>(namespaces)
                    : "joining a container needs at least one namespace");
        }
        for (Namespace ns : namespaces) {
            if (!JOINABLE.contains(ns)) {
                throw new InvalidSpecException("joins", notJoinable(ns));
            }
        }
        if (path.isPresent() && !path.get().isAbsolute()) {
            throw new InvalidSpecException("joins", "the namespace path must be absolute, got " + path.get());
        }
    }

    /**
     * {@return a join of the namespace file {@code path}, of type {@code ns}}
     *
     * @param ns   the namespace type the file must be
     * @param path the namespace file, absolute
     * @throws InvalidSpecException if {@code ns} cannot be joined or the path is relative
     */
    public static NamespaceJoin path(Namespace ns, Path path) {
        return new NamespaceJoin(EnumSet.of(ns), Optional.of(path), Optional.empty());
    }

    /**
     * {@return a join of {@code namespaces} of the running {@code container}}
     *
     * @param container  a container launched by this JVM, running at launch
     * @param namespaces the namespaces shared with it
     * @throws InvalidSpecException if one of them cannot be joined, or none is named
     */
    public static NamespaceJoin container(Container container, Set<Namespace> namespaces) {
        return new NamespaceJoin(namespaces, Optional.empty(), Optional.of(container));
    }

    /** {@return what is joined, for messages and plans: the path, or "container PID"} */
    public String source() {
        return path.map(Path::toString).orElseGet(() -> "container " + container.get().pid());
    }

    private static String notJoinable(Namespace ns) {
        return switch (ns) {
            case USER -> "joining a user namespace is not supported: the kernel refuses setns into a user"
                    + " namespace to a child that shares the JVM's memory (EINVAL); use a new one (users(...))";
            case PID, TIME -> "a " + ns + " namespace cannot be joined: setns moves only the caller's future"
                    + " children into it, not the container's process";
            case MOUNT -> "a mount namespace cannot be joined: the container's rootfs and mounts are set up in"
                    + " a new one (Namespace.MOUNT)";
            default -> ns + " cannot be joined";
        };
    }
}
