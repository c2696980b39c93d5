package dev.panamax;

import dev.panamax.program.Step;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Joining existing namespaces, as specs and plans: what build() refuses, and where the setns steps go. */
class JoinSpecTest extends PlanTest {
    private static final Path NETNS = Path.of("/run/netns/blue");

    private static ContainerSpec.Builder joiningNet() {
        return ContainerSpec.builder().rootfs(rootfs).command("true").joinNamespace(Namespace.NET, NETNS);
    }

    @Test
    void aJoinedNamespaceLeavesTheDefaultSetAndIsJoinedBeforeAnyMount() {
        ContainerSpec spec = joiningNet().build();
        assertEquals(EnumSet.of(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC), spec.namespaces());
        assertEquals(List.of(NamespaceJoin.path(Namespace.NET, NETNS)), spec.joins());
        List<Step> steps = steps(spec);
        int setns = first(steps, "setns");
        assertEquals("setns(ns_net, CLONE_NEWNET)", steps.get(setns).render());
        assertTrue(steps.get(setns).what().contains(NETNS.toString()), steps.get(setns).what());
        assertEquals("close(ns_net)", steps.get(setns + 1).render());
        assertTrue(setns < first(steps, "mount"), "setns after a mount:\n" + text(steps));
        String plan = Launcher.plan(spec);
        assertTrue(plan.contains("setns(ns_net, CLONE_NEWNET)"), plan);
        assertFalse(plan.lines().findFirst().orElseThrow().contains("CLONE_NEWNET"), plan);
        assertEquals(spec, spec.toBuilder().build());
    }

    @Test
    void aNamespaceBothJoinedAndNewIsRefusedNamingIt() {
        refused("joins", "NET is both joined (/run/netns/blue) and new", () -> joiningNet()
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.NET).build());
        refused("joins", "NET is joined twice", () -> joiningNet().joinNamespace(Namespace.NET, Path.of("/x")).build());
    }

    @Test
    void userPidMountAndTimeNamespacesCannotBeJoined() {
        refused("joins", "setns into a user namespace", () -> NamespaceJoin.path(Namespace.USER, NETNS));
        refused("joins", "a PID namespace cannot be joined", () -> NamespaceJoin.path(Namespace.PID, NETNS));
        refused("joins", "a TIME namespace cannot be joined", () -> NamespaceJoin.path(Namespace.TIME, NETNS));
        refused("joins", "a mount namespace cannot be joined", () -> NamespaceJoin.path(Namespace.MOUNT, NETNS));
    }

    @Test
    void aJoinWithANewUserNamespaceOrARelativePathOrAHostnameInAJoinedUtsIsRefused() {
        refused("joins", "from a new user namespace", () -> joiningNet().mapCurrentUserToRoot().build());
        refused("joins", "must be absolute, got run/netns/blue",
                () -> NamespaceJoin.path(Namespace.NET, Path.of("run/netns/blue")));
        refused("hostname", "the UTS namespace is joined (/run/utsns/x)", () -> ContainerSpec.builder()
                .rootfs(rootfs).command("true").hostname("box").joinNamespace(Namespace.UTS, Path.of("/run/utsns/x"))
                .build());
    }

    private static void refused(String field, String words, Executable build) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, build);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }
}
