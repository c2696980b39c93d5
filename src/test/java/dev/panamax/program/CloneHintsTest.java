package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.sys.Errno;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hint of a refused clone names the setting actually in the way, read from the machine when the clone
 * failed: here from made-up {@code /proc} contents (the real kernel's ENOSPC and seccomp EPERM are in
 * {@code HintReachabilityTest}; a distribution's sysctl cannot be set on a shared host).
 */
class CloneHintsTest {
    private static final ContainerSpec USERNS = ContainerSpec.builder()
            .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID)
            .uidMap(IdMap.of(0, 300000, 65536)).gidMap(IdMap.of(0, 300000, 65536)).command("true").build();
    private static final ContainerSpec ROOTFUL = ContainerSpec.builder()
            .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.TIME).command("true").build();

    private static String hint(ContainerSpec spec, String call, boolean root, String errno, Map<String, String> proc) {
        Function<String, Optional<String>> read = path -> Optional.ofNullable(proc.get(path));
        return Hint.forErrno(CloneHints.refused(spec, call, root, read), Errno.number(errno))
                .map(h -> h.cause() + ": " + h.text()).orElse("none");
    }

    @Test
    void debiansSwitchIsNamedWhenItIsOff() {
        String h = hint(USERNS, "clone3", false, "EPERM", Map.of("/proc/sys/kernel/unprivileged_userns_clone", "0",
                "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "0"));
        assertTrue(h.startsWith("USER_NAMESPACES_RESTRICTED: kernel.unprivileged_userns_clone is 0 on this machine"), h);
        assertTrue(h.contains("sysctl -w kernel.unprivileged_userns_clone=1"), h);
    }

    @Test
    void ubuntusAppArmorSwitchIsNamedWhenItIsOn() {
        String h = hint(USERNS, "clone3", false, "EPERM", Map.of("/proc/sys/kernel/unprivileged_userns_clone", "1",
                "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1"));
        assertTrue(h.startsWith("USER_NAMESPACES_RESTRICTED: kernel.apparmor_restrict_unprivileged_userns is 1"), h);
    }

    @Test
    void withNeitherSwitchSetBothAreNamed() {
        String h = hint(USERNS, "clone3", false, "EPERM", Map.of());
        assertTrue(h.startsWith("USER_NAMESPACES_RESTRICTED: unprivileged user namespaces may be disabled"), h);
        assertTrue(h.contains("kernel.unprivileged_userns_clone") && h.contains("kernel.apparmor_restrict"), h);
    }

    @Test
    void aSeccompFilterOfTheJvmIsNamedUnlessASwitchIsSet() {
        Map<String, String> docker = Map.of("/proc/self/status#Seccomp", "2");
        assertTrue(hint(USERNS, "clone", false, "EPERM", docker).startsWith("CLONE_DENIED_BY_SECCOMP: the JVM runs"
                + " under a seccomp filter"));
        assertTrue(hint(ROOTFUL, "clone", true, "EPERM", docker).contains("allows clone with namespace flags"));
        assertTrue(hint(USERNS, "clone", false, "EPERM", Map.of("/proc/self/status#Seccomp", "2",
                "/proc/sys/kernel/unprivileged_userns_clone", "0")).startsWith("USER_NAMESPACES_RESTRICTED"));
    }

    @Test
    void rootWithoutAFilterGetsNoUserNamespaceHint() {
        assertEquals("none", hint(USERNS, "clone3", true, "EPERM", Map.of()));
    }

    @Test
    void aNamespaceLimitAtZeroIsNamed() {
        String h = hint(USERNS, "clone3", false, "ENOSPC", Map.of("/proc/sys/user/max_user_namespaces", "0",
                "/proc/sys/user/max_mnt_namespaces", "1000"));
        assertEquals("NAMESPACE_LIMIT: user.max_user_namespaces is 0 on this machine (in the JVM's user namespace"
                + " or one above it): no such namespace can be made; raise it, for example sysctl -w"
                + " user.max_user_namespaces=10000", h);
        String reached = hint(USERNS, "clone3", false, "ENOSPC", Map.of("/proc/sys/user/max_user_namespaces", "5"));
        assertTrue(reached.contains("a limit on namespaces is reached: ") && reached.contains("user.max_pid_namespaces"),
                reached);
    }

    @Test
    void aTimeNamespaceWithoutClone3SaysItNeedsClone3() {
        assertTrue(hint(ROOTFUL, "clone", true, "EINVAL", Map.of()).endsWith("a time namespace needs clone3, which"
                + " this JVM is refused (ENOSYS)"));
        assertTrue(hint(ROOTFUL, "clone3", true, "EINVAL", Map.of()).startsWith("NAMESPACES_REFUSED: the kernel"
                + " refused this set of namespaces"));
    }

    @Test
    void procFilesAreReadByLineOrField() {
        assertTrue(CloneHints.readProc("/proc/self/status#Seccomp").filter(List.of("0", "1", "2")::contains)
                .isPresent());
        assertEquals(Optional.empty(), CloneHints.readProc("/proc/sys/kernel/no_such_sysctl_of_panamax"));
    }
}
