package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.mount.Filesystem;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ephemeral root in the child: the overlay of the image (read-only lower layer) and the per-launch
 * upper and work directories that the parent made ({@code dev.panamax.launch.OverlayRoot}), mounted over
 * the image path inside the container's own mount namespace, so the host never sees it.
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

    /** The overlay over the image, before the rootfs bind. */
    static void emit(Emit e) {
        Layers layers = e.layers();
        if (layers == null || e.spec().rootfs().isEmpty()) {
            return;
        }
        String image = e.spec().rootfs().get().toString();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("lowerdir", image);
        config.put("upperdir", layers.upper());
        config.put("workdir", layers.work());
        String mnt = FsSteps.create(e, "overlay", config, Set.of(), "the ephemeral root");
        e.add(Step.of("put the ephemeral root over the image (in the container's mount namespace only)",
                "move_mount", MountArgs.fd(mnt), MountArgs.EMPTY, MountArgs.FDCWD, new Arg.CString(image),
                MountArgs.MOVE_EMPTY_FROM));
    }

}
