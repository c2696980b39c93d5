package dev.panamax;

import java.util.Optional;

/**
 * How {@link Launcher#create(ContainerSpec, CreateOptions)} places a created container, beyond its spec.
 *
 * <pre>{@code
 * CreatedContainer c = Launcher.create(spec, CreateOptions.defaults().withCgroupPath("/panamax/web"));
 * }</pre>
 *
 * @param cgroupPath where the container's cgroup goes, an OCI {@code linux.cgroupsPath}: always below the
 *                   runtime's parent cgroup (see {@link dev.panamax.cgroup.CgroupPath#of}); empty for a name of
 *                   the runtime's own ({@code c<jvm pid>-<n>} under the parent). A container with a path gets a
 *                   cgroup also when its spec has no resources (for freezing, listing and killing its processes)
 */
public record CreateOptions(Optional<String> cgroupPath) {
    /**
     * Checks the field.
     *
     * @throws NullPointerException for a null optional
     */
    public CreateOptions {
        java.util.Objects.requireNonNull(cgroupPath, "cgroupPath");
    }

    /** {@return no cgroup path: a cgroup only for a spec with resources, named by the runtime} */
    public static CreateOptions defaults() {
        return new CreateOptions(Optional.empty());
    }

    /**
     * These options with a cgroup path.
     *
     * @param path an OCI {@code cgroupsPath}, such as {@code /panamax/ID} or {@code default/ID}; checked at create
     * @return the new options
     */
    public CreateOptions withCgroupPath(String path) {
        return new CreateOptions(Optional.of(path));
    }
}
