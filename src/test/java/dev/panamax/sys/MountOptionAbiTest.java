package dev.panamax.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.bindings.linux_h;
import dev.panamax.mount.MountOption;
import dev.panamax.sys.internal.Bindings;

import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exported mount package writes its kernel values out (it must not use the bindings), and so does
 * {@link MountFlag} (a spec's propagation is built without native access): pinned to the bindings here.
 */
class MountOptionAbiTest {

    @Test
    void mountOptionsAreTheKernelsMountAttrBits() {
        Map<MountOption, Integer> kernel = Map.of(MountOption.RDONLY, linux_h.MOUNT_ATTR_RDONLY(),
                MountOption.NOSUID, linux_h.MOUNT_ATTR_NOSUID(), MountOption.NODEV, linux_h.MOUNT_ATTR_NODEV(),
                MountOption.NOEXEC, linux_h.MOUNT_ATTR_NOEXEC(), MountOption.RELATIME, linux_h.MOUNT_ATTR_RELATIME(),
                MountOption.NOATIME, linux_h.MOUNT_ATTR_NOATIME(),
                MountOption.STRICTATIME, linux_h.MOUNT_ATTR_STRICTATIME(),
                MountOption.NODIRATIME, linux_h.MOUNT_ATTR_NODIRATIME(),
                MountOption.NOSYMFOLLOW, linux_h.MOUNT_ATTR_NOSYMFOLLOW());
        assertEquals(EnumSet.allOf(MountOption.class), EnumSet.copyOf(kernel.keySet()));
        kernel.forEach((o, bits) -> assertEquals((long) bits, MountOption.attrs(EnumSet.of(o)), o.name()));
    }

    @Test
    void mountFlagsAreTheKernelsMsBits() {
        for (MountFlag f : MountFlag.values()) {
            assertEquals(Bindings.constant("MS_" + f.name()), f.value(), f.name());
        }
    }
}
