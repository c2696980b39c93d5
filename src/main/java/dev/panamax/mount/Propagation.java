package dev.panamax.mount;

import dev.panamax.sys.MountFlag;

/**
 * How mount events propagate between a bind mount and its peers.
 *
 * <pre>{@code
 * Mount.bind(Path.of("/srv/data"), "/data").withPropagation(Propagation.SLAVE);
 * }</pre>
 */
public enum Propagation {
    /** No events in or out (the default: nothing the container mounts reaches the host). */
    PRIVATE(MountFlag.PRIVATE),
    /** Events flow from the peer group into the container, never out. */
    SLAVE(MountFlag.SLAVE),
    /** The container's mount gets its own peer group; copies of it share events. */
    SHARED(MountFlag.SHARED);

    private final long flag;

    Propagation(MountFlag flag) {
        this.flag = flag.value();
    }

    /** {@return the {@code MS_*} value for {@code mount_attr.propagation}} */
    public long flag() {
        return flag;
    }
}
