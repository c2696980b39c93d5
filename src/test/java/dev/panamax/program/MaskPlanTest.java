package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.mount.Mount;
import dev.panamax.sys.Errno;
import dev.panamax.trampoline.Arch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mask below the container's fresh proc or sysfs gets only the mount its kernel's path needs, and a step
 * that fails when the path turns out to be of another type; any other path gets both attempts.
 */
class MaskPlanTest {
    private static final Map<String, Host.PathKind> KERNEL = Map.of("/proc/acpi", Host.PathKind.DIRECTORY,
            "/proc/keys", Host.PathKind.FILE, "/proc/kcore", Host.PathKind.MISSING,
            "/proc/1/environ", Host.PathKind.MISSING, "/proc/self/environ", Host.PathKind.MISSING,
            "rootfs:/sys/firmware", Host.PathKind.MISSING, "rootfs:/data", Host.PathKind.MISSING);
    private static final Host HOST = new Host(0, 0, Capability.LAST.number(), new Host.KernelPaths() {
        @Override
        public Host.PathKind kind(String path) {
            return KERNEL.getOrDefault(path, Host.PathKind.UNKNOWN);
        }

        @Override
        public Host.PathKind inRootfs(Path rootfs, String path) {
            return KERNEL.getOrDefault("rootfs:" + path, Host.PathKind.UNKNOWN);
        }
    });

    private static List<Step> masking(String path, Mount... mounts) {
        ContainerSpec spec = ContainerSpec.builder().rootfs(Path.of(System.getProperty("java.io.tmpdir"))).command("true").mounts(List.of(mounts))
                .maskedPaths(List.of(path)).readOnlyPaths(List.of()).build();
        return SpecCompiler.plan(spec, HOST, Arch.X86_64).steps().stream()
                .filter(s -> s.what().contains(path) || s.what().contains("masking")).toList();
    }

    private static boolean bothAttempts(String path, Mount... mounts) {
        List<String> what = masking(path, mounts).stream().map(Step::what).toList();
        return what.contains("mask " + path + " (a directory) with the empty tmpfs")
                && what.contains("mask " + path + " (a file) with /dev/null");
    }

    private static List<String> syscalls(List<Step> steps) {
        return steps.stream().map(Step::syscall).toList();
    }

    private static int errno(String name) {
        return Errno.number(name);
    }

    @Test
    void aDirectoryGetsOnlyTheTmpfsAndAFileThereFailsTheLaunch() {
        List<Step> steps = masking("/proc/acpi");
        assertEquals(List.of("openat2", "fsopen", "fsconfig", "fsconfig", "fsmount", "move_mount"), syscalls(steps));
        Step find = steps.getFirst();
        assertTrue(find.render().contains("O_DIRECTORY"), find.render());
        assertEquals(Set.of(errno("ENOENT")), find.tolerated());
        assertEquals(Hint.Cause.MASKED_PATH_CHANGED, Hint.forErrno(find.hints(), errno("ENOTDIR")).orElseThrow().cause());
    }

    @Test
    void aFileGetsOnlyDevNullAndADirectoryThereFailsTheLaunch() {
        List<Step> steps = masking("/proc/keys");
        assertEquals(List.of("openat2", "open_tree", "move_mount"), syscalls(steps));
        Step attach = steps.getLast();
        assertEquals(Set.of(errno("EBADF")), attach.tolerated(), "EINVAL (a directory) fails");
        assertEquals(Hint.Cause.MASKED_PATH_CHANGED, Hint.forErrno(attach.hints(), errno("EINVAL")).orElseThrow().cause());
    }

    @Test
    void anAbsentPathGetsNoMountAndFailsTheLaunchIfItAppears() {
        List<Step> steps = masking("/proc/kcore");
        assertEquals(List.of("openat2"), syscalls(steps));
        assertEquals(Set.of(errno("ENOENT")), steps.getFirst().tolerated());
        assertEquals(-1, steps.getFirst().expect().orElseThrow(), "a descriptor is never -1: an open fails it");
    }

    @Test
    void aPathOnNoMountIsWhatTheRootfsHolds() {
        assertEquals(List.of("openat2"), syscalls(masking("/sys/firmware")));
        // unless a mount is made on it or below it first (its mount point makes it a directory)
        assertTrue(bothAttempts("/data", Mount.tmpfs("/data/cache")));
        assertTrue(bothAttempts("/data", Mount.tmpfs("/data")));
    }

    @Test
    void aPathOnAnotherMountGetsBothAttempts() {
        // /proc/acpi below a tmpfs on /proc/acpi's parent is not the kernel's: nothing is predicted
        List<Step> steps = masking("/proc/acpi/x", Mount.tmpfs("/proc/acpi"));
        assertEquals(List.of("openat2", "fsopen", "fsconfig", "fsconfig", "fsmount", "move_mount", "openat2",
                "open_tree", "move_mount"), syscalls(steps));
        assertEquals(Set.of(errno("EBADF"), errno("EINVAL")), steps.getLast().tolerated());
        // a process's own files: the host's /proc/1 and /proc/self are other processes
        assertTrue(bothAttempts("/proc/1/environ"));
        assertTrue(bothAttempts("/proc/self/environ"));
    }
}
