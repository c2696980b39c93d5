package dev.panamax;

import dev.panamax.spec.InvalidSpecException;

/**
 * One line of a user namespace's {@code uid_map} or {@code gid_map}: {@code count} consecutive ids starting at
 * {@code containerId} inside the container are the ids starting at {@code hostId} outside.
 *
 * <pre>{@code
 * IdMap me = IdMap.of(0, 1000, 1);            // container root is host uid 1000
 * IdMap rest = IdMap.of(1, 100000, 65536);    // from alice's /etc/subuid allotment
 * ContainerSpec.builder().uidMap(me, rest).gidMap(me, rest) ...
 * }</pre>
 *
 * @param containerId first id inside the container
 * @param hostId      first id in the launching process's user namespace
 * @param count       how many consecutive ids (at least 1)
 */
public record IdMap(long containerId, long hostId, long count) {

    /** The largest valid id: {@code (uid_t) -1} means "no id" to the kernel and can never be mapped. */
    public static final long MAX_ID = 0xFFFF_FFFEL;

    /** Checks that the count is positive and both ranges are valid ids. */
    public IdMap {
        if (count <= 0) {
            throw new InvalidSpecException("IdMap.count", "must be at least 1, got " + count);
        }
        checkRange("IdMap.containerId", containerId, count);
        checkRange("IdMap.hostId", hostId, count);
    }

    /**
     * As the constructor: {@code count} ids from {@code containerId} are those from {@code hostId}.
     *
     * @param containerId the first id inside the container
     * @param hostId      the first id on the host
     * @param count       how many ids, at least 1
     * @return the range
     * @throws InvalidSpecException naming the field that is out of range
     */
    public static IdMap of(long containerId, long hostId, long count) {
        return new IdMap(containerId, hostId, count);
    }

    private static void checkRange(String field, long first, long count) {
        if (first < 0 || first > MAX_ID) {
            throw new InvalidSpecException(field, "must be in 0.." + MAX_ID + ", got " + first);
        }
        if (first + count - 1 > MAX_ID) {
            throw new InvalidSpecException(field, "the range " + first + ".." + (first + count - 1)
                    + " goes past the largest id " + MAX_ID);
        }
    }

    /** {@return the last container id of the range} */
    public long containerLast() {
        return containerId + count - 1;
    }

    /** {@return the last host id of the range} */
    public long hostLast() {
        return hostId + count - 1;
    }

    /**
     * {@return true when {@code id} (inside the container) lies in this range}
     *
     * @param id an id inside the container
     */
    public boolean mapsContainerId(long id) {
        return id >= containerId && id <= containerLast();
    }

    /**
     * {@return true when the two ranges share an id inside the container}
     *
     * @param other another range
     */
    public boolean overlapsInContainer(IdMap other) {
        return containerId <= other.containerLast() && other.containerId <= containerLast();
    }

    /**
     * {@return true when the two ranges share an id on the host}
     *
     * @param other another range
     */
    public boolean overlapsOnHost(IdMap other) {
        return hostId <= other.hostLast() && other.hostId <= hostLast();
    }

    /** {@return the line the kernel reads from {@code uid_map}/{@code gid_map}, without the newline} */
    public String line() {
        return containerId + " " + hostId + " " + count;
    }

    /** {@code container 0-0 -> host 1000-1000}: how messages name a range. */
    @Override
    public String toString() {
        return "container " + containerId + "-" + containerLast() + " -> host " + hostId + "-" + hostLast();
    }
}
