package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.mount.Filesystem;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ephemeral root in the child: the overlay of the image (the rootfs, over the image's further layers when
 * it has them: all read-only) and the per-launch upper and work directories that the parent made
 * ({@code dev.panamax.launch.OverlayRoot}), mounted over the rootfs path inside the container's own mount
 * namespace, so the host never sees it.
 */
public final class OverlaySteps {
    private OverlaySteps() {
    }

    /** Host paths of the writable layers. */
    public record Layers(String upper, String work) {
    }

    /** The layers as a plan shows them (the temporary directory does not exist yet). */
    public static Layers planned(ContainerSpec spec) {
        return spec.filesystem().ephemeral().map(Filesystem.EphemeralRoot::keepUpperDir)
                .map(keep -> keep.map(k -> new Layers(k.resolve("upper").toString(), k.resolve("work").toString()))
                        .orElse(new Layers("$TMPDIR/panamax-root-*/upper", "$TMPDIR/panamax-root-*/work")))
                .orElse(null);
    }

    /**
     * The most bytes of one {@code fsconfig} string value, its NUL included ({@code strndup_user(value, 256)}
     * in fs/fsopen.c; measured: 255 characters pass, 256 fail with EINVAL).
     */
    static final int FSCONFIG_STRING_MAX = 256;

    /** The overlay over the image, before the rootfs bind. */
    static void emit(Emit e) {
        Layers layers = e.layers();
        if (layers == null || e.spec().rootfs().isEmpty()) {
            return;
        }
        String image = e.spec().rootfs().get().toString();
        Filesystem.EphemeralRoot root = e.spec().filesystem().ephemeral().orElseThrow();
        String forWhat = root.lowerLayers().isEmpty() ? "the ephemeral root"
                : "the image root (" + (root.lowerLayers().size() + 1) + " layers)";
        String mnt = FsSteps.create(e, "overlay", config(image, root, layers), Set.of(), forWhat);
        e.add(Step.of("put " + forWhat + " over " + (root.lowerLayers().isEmpty() ? "the image" : "its top layer")
                        + " (in the container's mount namespace only)",
                "move_mount", MountArgs.fd(mnt), MountArgs.EMPTY, MountArgs.FDCWD, new Arg.CString(image),
                MountArgs.MOVE_EMPTY_FROM));
    }

    /**
     * The overlay's parameters: the read-only layers top first (the rootfs, then the lower layers from the top
     * down) as one {@code lowerdir} when it fits one fsconfig string, else one {@code lowerdir+} each (Linux
     * 6.8+); then the writable layers, and {@code userxattr} for layers whose whiteouts are user xattrs.
     */
    static List<FsSteps.Param> config(String top, Filesystem.EphemeralRoot root, Layers layers) {
        List<String> lower = new ArrayList<>();
        lower.add(top);
        root.lowerLayers().reversed().forEach(p -> lower.add(p.toString()));
        List<FsSteps.Param> config = new ArrayList<>();
        String joined = String.join(":", lower);
        if (fits(joined)) {
            config.add(new FsSteps.Param("lowerdir", joined));
        } else {
            lower.forEach(dir -> config.add(new FsSteps.Param("lowerdir+", dir)));
        }
        config.add(new FsSteps.Param("upperdir", layers.upper()));
        config.add(new FsSteps.Param("workdir", layers.work()));
        if (root.userXattr()) {
            config.add(new FsSteps.Param("userxattr", null));
        }
        return config;
    }

    /** Whether {@code value} fits one fsconfig string. */
    static boolean fits(String value) {
        return value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < FSCONFIG_STRING_MAX;
    }
}
