package dev.panamax.userns;

import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.ProcessIdentity;
import dev.panamax.UserNamespaceSpec;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The user-namespace rules of build(): each bad input gets its own message naming the field. */
class UserSpecValidationTest {

    private static ContainerSpec.Builder userNs() {
        return ContainerSpec.builder().namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID).command("true");
    }

    private static InvalidSpecException refused(ContainerSpec.Builder b) {
        return assertThrows(InvalidSpecException.class, b::build);
    }

    @Test
    void overlappingContainerRangesAreNamedBoth() {
        InvalidSpecException e = refused(userNs().uidMap(IdMap.of(0, 1000, 10), IdMap.of(5, 200000, 10)));
        assertEquals("uidMap", e.field());
        assertEquals("uidMap: ranges 0 (container 0-9 -> host 1000-1009) and 1 (container 5-14 -> host"
                + " 200000-200009) overlap inside the container", e.getMessage());
    }

    @Test
    void overlappingHostRangesAreRefusedToo() {
        InvalidSpecException e = refused(userNs().gidMap(IdMap.of(0, 1000, 1), IdMap.of(1, 1000, 1)));
        assertEquals("gidMap: ranges 0 (container 0-0 -> host 1000-1000) and 1 (container 1-1 -> host 1000-1000)"
                + " overlap on the host", e.getMessage());
    }

    @Test
    void anUnmappedProcessUidIsRefused() {
        InvalidSpecException e = refused(userNs().uidMap(IdMap.of(0, 1000, 1)).user(1000, 0));
        assertEquals("user.uid", e.field());
        assertEquals("user.uid: uid 1000 is not mapped by the uid map [container 0-0 -> host 1000-1000]",
                e.getMessage());
    }

    @Test
    void rootIsImpliedAndMustBeMappedWhenNoUserIsGiven() {
        InvalidSpecException e = refused(userNs().uidMap(IdMap.of(1000, 1000, 1)));
        assertEquals("user.uid: uid 0 is not mapped by the uid map [container 1000-1000 -> host 1000-1000] (the"
                + " process runs as root in the namespace unless user() says otherwise)", e.getMessage());
    }

    @Test
    void unmappedGidAndGroupsAreRefused() {
        assertEquals("user.gid", refused(userNs().user(0, 7)).field());
        InvalidSpecException e = refused(userNs().gidMap(IdMap.of(0, 0, 10)).supplementaryGroups(1, 20));
        assertEquals("supplementaryGroups[1]", e.field());
    }

    @Test
    void mappingsWithoutAUserNamespaceAreRefused() {
        InvalidSpecException e = refused(ContainerSpec.builder().command("true").uidMap(IdMap.of(0, 1000, 1)));
        assertEquals("uidMap: id mappings need a user namespace (add Namespace.USER or call mapCurrentUserToRoot())",
                e.getMessage());
        assertEquals("gidMap", refused(ContainerSpec.builder().command("true").gidMap(IdMap.of(0, 1000, 1))).field());
    }

    @Test
    void aUserNamespaceWithoutMapsMapsTheCallerToRoot() throws Exception {
        ContainerSpec spec = userNs().build();
        long euid = effective("Uid:");
        long egid = effective("Gid:");
        assertEquals(new UserNamespaceSpec(List.of(IdMap.of(0, euid, 1)), List.of(IdMap.of(0, egid, 1))), spec.users());
        assertEquals(Optional.empty(), spec.identity());
        assertEquals(spec.users(), ContainerSpec.builder().mapCurrentUserToRoot().command("true").build().users());
    }

    @Test
    void countsAndIdsOutOfRangeAreRefused() {
        assertEquals("IdMap.count: must be at least 1, got 0",
                assertThrows(InvalidSpecException.class, () -> IdMap.of(0, 1000, 0)).getMessage());
        assertEquals("IdMap.count", assertThrows(InvalidSpecException.class, () -> IdMap.of(0, 1000, -5)).field());
        assertEquals("IdMap.hostId", assertThrows(InvalidSpecException.class, () -> IdMap.of(0, -1, 1)).field());
        assertEquals("IdMap.containerId: the range 4294967294..4294967295 goes past the largest id 4294967294",
                assertThrows(InvalidSpecException.class, () -> IdMap.of(IdMap.MAX_ID, 0, 2)).getMessage());
        assertEquals("user.uid", assertThrows(InvalidSpecException.class,
                () -> new ProcessIdentity(1L << 32, 0, List.of())).field());
    }

    @Test
    void atMost340RangesAndBothMapsOrNeither() {
        List<IdMap> many = LongStream.range(0, 341).mapToObj(i -> IdMap.of(i, 1000 + i, 1)).toList();
        assertEquals("uidMap: has 341 ranges, the kernel allows 340", refused(userNs().uidMap(many)).getMessage());
        assertEquals("gidMap", assertThrows(InvalidSpecException.class,
                () -> new UserNamespaceSpec(List.of(IdMap.of(0, 0, 1)), Collections.emptyList())).field());
    }

    @Test
    void groupsWithoutAUserNamespaceNeedAUser() {
        assertEquals("supplementaryGroups",
                refused(ContainerSpec.builder().command("true").supplementaryGroups(10)).field());
        ContainerSpec host = ContainerSpec.builder().command("true").user(65534, 65534).supplementaryGroups(10).build();
        assertEquals(Optional.of(new ProcessIdentity(65534, 65534, List.of(10L))), host.identity());
        assertEquals(UserNamespaceSpec.NONE, host.users());
    }

    @Test
    void theBuilderCopiesItsLists() {
        java.util.ArrayList<IdMap> ranges = new java.util.ArrayList<>(List.of(IdMap.of(0, 0, 1)));
        ContainerSpec.Builder b = userNs().uidMap(ranges);
        ranges.add(IdMap.of(5, 5, 1));
        assertEquals(1, b.build().users().uidMap().size());
    }

    /** The effective id from /proc/self/status ("Uid: real effective saved fs"). */
    private static long effective(String line) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith(line)).map(l -> Long.parseLong(l.split("\\s+")[2])).findFirst().orElseThrow();
    }
}
