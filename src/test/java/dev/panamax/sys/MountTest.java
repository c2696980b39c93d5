package dev.panamax.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class MountTest {
    private Path dir;

    @BeforeEach
    void createDir() throws IOException {
        dir = Files.createTempDirectory("panamax-mount");
    }

    @AfterEach
    void removeDir() throws IOException {
        if (Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + dir + " ")) {
            Linux.umount(dir, true);
        }
        Files.deleteIfExists(dir.resolve("file"));
        Files.delete(dir);
    }

    @Test
    void mountOnMissingTargetNamesErrnoAndPath() {
        Path missing = dir.resolve("missing");
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Linux.mount("tmpfs", missing, "tmpfs", EnumSet.of(MountFlag.NOSUID), null));
        assertEquals("mount", e.call());
        assertEquals(Errno.number("ENOENT"), e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("No such file or directory", e.description());
        assertEquals("mount(\"tmpfs\", \"" + missing + "\", \"tmpfs\", MS_NOSUID): ENOENT (No such file or directory)",
                e.getMessage());
    }

    @Test
    void umountOfPlainDirectoryIsEinvalWithHint() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Linux.umount(dir, false));
        assertEquals("umount2", e.call());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().startsWith("umount2(\"" + dir + "\", 0): EINVAL (Invalid argument)"), e.getMessage());
        assertTrue(e.getMessage().contains("not a mount point"), e.getMessage());
    }

    @Test
    void mountsAndUnmountsTmpfs() throws IOException {
        Linux.mount("panamax-test", dir, "tmpfs", EnumSet.of(MountFlag.NOSUID, MountFlag.NODEV), "size=1m");
        String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
        assertTrue(mountinfo.contains(" " + dir + " ") && mountinfo.contains("panamax-test"), mountinfo);
        Files.writeString(dir.resolve("file"), "x");
        Linux.umount(dir, true);
        assertTrue(Files.notExists(dir.resolve("file")), "the tmpfs content must vanish with the unmount");
    }

    @Test
    void flagsAreDescribedInMessages() {
        assertEquals("0", MountFlag.describe(Set.of()));
        assertEquals("MS_NOSUID|MS_BIND|MS_REC", MountFlag.describe(EnumSet.of(MountFlag.REC, MountFlag.BIND, MountFlag.NOSUID)));
        assertEquals(0x1000 | 0x4000, MountFlag.bits(EnumSet.of(MountFlag.BIND, MountFlag.REC)));
    }
}
