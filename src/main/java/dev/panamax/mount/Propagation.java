package dev.panamax.mount;

import dev.panamax.sys.internal.Abi;

/**
 * How mount events propagate between a bind mount and its peers.
 *
 * <pre>{@code
 * Mount.bind(Path.of("/srv/data"), "/data").withPropagation(Propagation.SLAVE);
 * }</pre>
 */
public enum Propagation {
    /** No events in or out (the default: nothing the container mounts reaches the host). */
    PRIVATE(Abi.MS_PRIVATE),
    /** Events flow from the peer group into the container, never out. */
    SLAVE(Abi.MS_SLAVE),
    /** The container's mount gets its own peer group; copies of it share events. */
    SHARED(Abi.MS_SHARED);

    private final long flag;

    Propagation(long flag) {
        this.flag = flag;
    }

    /** The {@code MS_*} value for {@code mount_attr.propagation}. */
    public long flag() {
        return flag;
    }
}
