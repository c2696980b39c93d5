package dev.panamax;

import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Filesystem;
import dev.panamax.mount.Mount;
import dev.panamax.seccomp.ArgCondition;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The records check their own rules, so a spec made without the builder is as valid as one made with it. */
class SpecInvariantTest {
    private static final Set<Namespace> DEFAULT_NS =
            EnumSet.of(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET);

    @TempDir
    Path dir;

    private static void refused(String field, String text, Executable what) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, what);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    private static ProcessSpec process(List<String> argv, Map<String, String> env, String cwd) {
        return new ProcessSpec(argv, env, cwd, Stdio.inherit(), Stdio.inherit(), Stdio.inherit(), true, true, false);
    }

    private static ProcessSpec process() {
        return process(List.of("true"), Map.of(), "/");
    }

    /** A spec made with the canonical constructor, without a rootfs or user namespace. */
    private static ContainerSpec spec(Set<Namespace> ns, Optional<String> hostname, ProcessSpec process,
                                      UserNamespaceSpec users, Filesystem fs) {
        return new ContainerSpec(ns, Optional.empty(), ContainerSpec.RootEntry.PIVOT_ROOT, false, hostname,
                Optional.empty(), process, Optional.empty(), Hardening.defaults(), users, Optional.empty(), fs);
    }

    @Test
    void aProcessSpecChecksItsFields() {
        refused("command", "argv is empty", () -> process(List.of(), Map.of(), "/"));
        refused("command[0]", "empty", () -> process(List.of(""), Map.of(), "/"));
        refused("command[1]", "NUL", () -> process(List.of("sh", "a\0b"), Map.of(), "/"));
        refused("environment[A=B]", "without '=' or NUL", () -> process(List.of("true"), Map.of("A=B", "x"), "/"));
        refused("workingDirectory", "absolute", () -> process(List.of("true"), Map.of(), "tmp"));
        refused("stdin", "append applies to output streams only", () -> new ProcessSpec(List.of("true"), Map.of(),
                "/", Stdio.append(Path.of("/tmp/in")), Stdio.inherit(), Stdio.inherit(), true, true, false));
    }

    @Test
    void aContainerSpecChecksItsFieldsAndHowTheyRelate() {
        refused("hostname", "NUL", () -> spec(DEFAULT_NS, Optional.of("a\0b"), process(), UserNamespaceSpec.NONE,
                Filesystem.none()));
        refused("hostname", "needs a UTS namespace", () -> spec(EnumSet.of(Namespace.MOUNT), Optional.of("box"),
                process(), UserNamespaceSpec.NONE, Filesystem.none()));
        List<IdMap> me = List.of(IdMap.of(0, 1000, 1));
        UserNamespaceSpec maps = new UserNamespaceSpec(me, me);
        refused("uidMap", "id mappings need a user namespace", () -> spec(DEFAULT_NS, Optional.empty(), process(),
                maps, Filesystem.none()));
        refused("uidMap", "needs both a uid map and a gid map", () -> spec(EnumSet.of(Namespace.USER),
                Optional.empty(), process(), UserNamespaceSpec.NONE, Filesystem.none()));
        refused("init", "add Namespace.PID", () -> spec(EnumSet.of(Namespace.MOUNT), Optional.empty(),
                new ProcessSpec(List.of("true"), Map.of(), "/", Stdio.inherit(), Stdio.inherit(), Stdio.inherit(),
                        true, true, true), UserNamespaceSpec.NONE, Filesystem.none()));
        Filesystem minimalDev = new Filesystem(List.of(), true, false, List.of(), List.of(), Optional.empty());
        refused("minimalDev", "needs a rootfs", () -> spec(DEFAULT_NS, Optional.empty(), process(),
                UserNamespaceSpec.NONE, minimalDev));
        refused("mounts", "mounting needs a mount namespace", () -> spec(EnumSet.of(Namespace.PID), Optional.empty(),
                process(), UserNamespaceSpec.NONE, new Filesystem(List.of(Mount.tmpfs("/tmp")), false, false,
                        List.of(), List.of(), Optional.empty())));
        refused("rootfs", "no such directory: /no/such/rootfs", () -> new ContainerSpec(DEFAULT_NS,
                Optional.of(Path.of("/no/such/rootfs")), ContainerSpec.RootEntry.PIVOT_ROOT, false, Optional.empty(),
                Optional.empty(), process(), Optional.empty(), Hardening.defaults(), UserNamespaceSpec.NONE,
                Optional.empty(), Filesystem.none()));
    }

    @Test
    void hardeningAndFilesystemCheckTheirFields() {
        refused("ambientCapabilities", "CAP_SYS_ADMIN is not among the kept capabilities", () -> new Hardening(
                Set.of(Capability.KILL), Set.of(Capability.SYS_ADMIN), true, Optional.empty(), Map.of(),
                OptionalInt.empty(), OptionalInt.empty()));
        refused("rlimit[NOFILE]", "above the hard limit", () -> new Hardening(Set.of(), Set.of(), true,
                Optional.empty(), Map.of(Rlimit.NOFILE, new Rlimit.Value(10, 5)), OptionalInt.empty(),
                OptionalInt.empty()));
        refused("umask", "0..0777", () -> new Hardening(Set.of(), Set.of(), true, Optional.empty(), Map.of(),
                OptionalInt.empty(), OptionalInt.of(01000)));
        SeccompProfile.Builder tooLong = SeccompProfile.builder(SeccompAction.ALLOW);
        for (int i = 0; i < 170; i++) { // 25 instructions each
            tooLong.rule("ioctl", SeccompAction.EPERM, ArgCondition.eq(0, i), ArgCondition.eq(1, i),
                    ArgCondition.eq(2, i), ArgCondition.eq(3, i), ArgCondition.eq(4, i), ArgCondition.eq(5, i));
        }
        SeccompProfile built = tooLong.build();
        refused("seccomp", "BPF_MAXINSNS", () -> new Hardening(Set.of(), Set.of(), true, Optional.of(built),
                Map.of(), OptionalInt.empty(), OptionalInt.empty()));
        refused("mounts", "conflicting mounts on /data", () -> new Filesystem(List.of(Mount.tmpfs("/data"),
                Mount.tmpfs("/data/")), false, false, List.of(), List.of(), Optional.empty()));
        refused("maskedPaths[1]", "absolute", () -> new Filesystem(List.of(), false, false,
                List.of("/proc/kcore", "proc/keys"), List.of(), Optional.empty()));
    }

    @Test
    void aDerivedSpecTakesTheCapabilityDefaultOfItsOwnDevicePolicy() {
        Resources pids = Resources.builder().pidsMax(8).build();
        ContainerSpec limited = ContainerSpec.builder().command("true").resources(pids).build();
        ContainerSpec unlimited = limited.toBuilder().resources(null).build();
        assertEquals(ContainerSpec.builder().command("true").build().hardening().capabilities(),
                unlimited.hardening().capabilities(), "as if built without resources");
        assertFalse(unlimited.hardening().capabilities().contains(Capability.MKNOD),
                "no device cgroup: no CAP_MKNOD, whatever the spec it came from had");
        assertEquals(limited, unlimited.toBuilder().resources(pids).build(), "and back");
        ContainerSpec noKill = limited.toBuilder().dropCapability(Capability.KILL).build();
        assertEquals(noKill.hardening().capabilities(), noKill.toBuilder().resources(pids).build()
                .hardening().capabilities(), "a spec's own edits are kept");
    }

    @Test
    void toBuilderRebuildsAnEqualSpec() throws Exception {
        Path image = Files.createDirectory(dir.resolve("image"));
        Path data = Files.createDirectory(dir.resolve("data"));
        ContainerSpec rich = ContainerSpec.builder()
                .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.CGROUP)
                .ephemeralRoot(image).keepUpperDir(dir.resolve("upper"))
                .hostname("box").domainname("example")
                .command("sh", "-c", "echo hi").env("GREETING", "hi").workingDirectory("/tmp")
                .stdout(Stdio.pipe()).stderr(Stdio.append(dir.resolve("err.log"))).dieWithParent(false)
                .newSession(false).init(true)
                .resources(Resources.builder().memoryMax(DataSize.ofMegabytes(64)).pidsMax(10).build())
                .capabilities(Set.of(Capability.KILL, Capability.NET_ADMIN)).addCapability("mknod")
                .dropCapability(Capability.KILL).ambientCapabilities(Capability.NET_ADMIN).noNewPrivileges(false)
                .seccomp(SeccompProfile.defaultProfile().toBuilder().rule("ptrace", SeccompAction.EPERM))
                .rlimit(Rlimit.NOFILE, 1024, 4096).oomScoreAdj(500).umask(027)
                .uidMap(IdMap.of(0, 100000, 65536)).gidMap(IdMap.of(0, 100000, 65536))
                .user(1000, 1000).supplementaryGroups(100, 200)
                .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(16)))
                .mount(Mount.bind(data, "/data").asReadOnly()).mount(Mount.cgroupView())
                .readOnlyRoot(true).maskedPaths(List.of("/proc/kcore")).readOnlyPaths(List.of("/proc/sys"))
                .build();
        assertEquals(rich, rich.toBuilder().build());
        ContainerSpec plain = ContainerSpec.builder().rootfs(image).command("true").build();
        assertEquals(plain, plain.toBuilder().build());
        ContainerSpec host = ContainerSpec.builder().namespaces(Namespace.UTS).hostname("h").command("true")
                .inheritEnvironment().build();
        assertEquals(host, host.toBuilder().build());
    }

    @Test
    void aDerivedSpecChangesWhatItIsToldAndIsCheckedAgain() throws Exception {
        ContainerSpec spec = ContainerSpec.builder().rootfs(dir).hostname("box").command("sh").env("A", "1")
                .build();
        ContainerSpec exec = spec.toBuilder().command("ps", "-ef").stdout(Stdio.pipe()).build();
        assertEquals(List.of("ps", "-ef"), exec.process().argv());
        assertEquals(Stdio.pipe(), exec.process().stdout());
        assertEquals(spec.process().environment(), exec.process().environment());
        assertEquals(spec.filesystem(), exec.filesystem());
        assertEquals(spec.hardening(), exec.hardening());
        assertNotEquals(spec, exec);
        refused("hostname", "needs a UTS namespace",
                () -> spec.toBuilder().namespaces(Namespace.MOUNT, Namespace.PID).build());
        refused("command", "argv is empty", () -> spec.toBuilder().command().build());
        refused("mounts", "conflicting mounts on /proc (mountProc is on)",
                () -> spec.toBuilder().mount(Mount.tmpfs("/proc")).build());
    }
}
