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
 *
 * <p>The per-launch directories are named relative to the launch's own directory, which the parent passes as
 * a descriptor ({@link ChildFds#layersDir}), so that the program is the same for every launch of a spec and
 * comes from its {@code ProgramTemplate}. The kernel looks {@code upperdir} and {@code workdir} up from the
 * caller's working directory ({@code kern_path}: in {@code fsconfig} since Linux 6.5, at
 * {@code FSCONFIG_CMD_CREATE} before), and overlay takes only layers in the caller's mount namespace
 * ({@code clone_private_mount}; "failed to clone upperpath" otherwise). The descriptor names a mount of the
 * host's namespace, so the child {@code fchdir}s there first, and only then makes its mount namespace
 * ({@code unshare(CLONE_NEWNS)}: the clone leaves it out, {@link #cloneNamespaces}), which moves its
 * working directory to the namespace's copy of that mount. The working directory is the rootfs's soon after
 * ({@link RootfsSteps#enter}).
 */
public final class OverlaySteps {
    private OverlaySteps() {
    }

    /**
     * The writable layers' paths: absolute in the directory the spec keeps, else relative to the launch's
     * own directory ({@link ChildFds#layersDir}).
     *
     * @param upper the upper directory
     * @param work  overlay's work directory
     */
    public record Layers(String upper, String work) {
    }

    /** The names of the writable layers in their directory. */
    public static final String UPPER = "upper";
    /** See {@link #UPPER}. */
    public static final String WORK = "work";

    /**
     * The writable layers of a launch of {@code spec}, null without an ephemeral root.
     *
     * @param spec the spec
     * @return the layers' paths, relative where {@link #usesLayersDir} holds
     */
    public static Layers of(ContainerSpec spec) {
        return spec.filesystem().ephemeral().map(Filesystem.EphemeralRoot::keepUpperDir)
                .map(keep -> keep.map(k -> new Layers(k.resolve(UPPER).toString(), k.resolve(WORK).toString()))
                        .orElse(new Layers(UPPER, WORK)))
                .orElse(null);
    }

    /**
     * Whether a launch of {@code spec} passes the child its own directory of the writable layers: an
     * ephemeral root in a temporary directory (one kept at the spec's path is named by that path).
     *
     * @param spec the spec
     * @return whether the launch's {@link ChildFds#layersDir} is present
     */
    public static boolean usesLayersDir(ContainerSpec spec) {
        return spec.filesystem().ephemeral().map(r -> r.keepUpperDir().isEmpty()).orElse(false)
                && spec.rootfs().isPresent() && spec.has(dev.panamax.sys.Namespace.MOUNT);
    }

    /**
     * The most bytes of one {@code fsconfig} string value, its NUL included ({@code strndup_user(value, 256)}
     * in fs/fsopen.c; measured: 255 characters pass, 256 fail with EINVAL).
     */
    static final int FSCONFIG_STRING_MAX = 256;

    /** The overlay over the image, before the rootfs bind. */
    /**
     * The namespaces the launcher's clone makes for {@code spec}: its own, less the mount namespace when the
     * child makes that itself after going to its layers' directory ({@link #usesLayersDir}).
     *
     * @param spec the spec
     * @return the namespaces for the clone flags
     */
    public static java.util.Set<dev.panamax.sys.Namespace> cloneNamespaces(ContainerSpec spec) {
        if (!usesLayersDir(spec)) {
            return spec.namespaces();
        }
        java.util.Set<dev.panamax.sys.Namespace> clone = java.util.EnumSet.noneOf(dev.panamax.sys.Namespace.class);
        clone.addAll(spec.namespaces());
        clone.remove(dev.panamax.sys.Namespace.MOUNT);
        return clone;
    }

    /** First of the mount steps: to the layers' directory, then into a mount namespace of its own. */
    static void enterLayersDir(Emit e) {
        if (!usesLayersDir(e.spec())) {
            return;
        }
        Arg.Word dir = e.fds().layersDir();
        if (dir == null) {
            throw new IllegalArgumentException("an ephemeral root in a temporary directory needs its descriptor");
        }
        e.add(Step.of("go to this launch's directory of the writable layers (upper and work are named from"
                + " there)", "fchdir", dir));
        e.add(Step.of("close the layers' directory", "close", dir));
        e.add(Step.of("make the mount namespace (now: the working directory becomes its copy of the layers')",
                "unshare", Arg.flags(JoinSteps.cloneFlag(dev.panamax.sys.Namespace.MOUNT)))
                .hinting(Hints.lockedMount(e)));
    }

    static void emit(Emit e) {
        Layers layers = of(e.spec());
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
     * 6.8+); then the writable layers, {@code volatile} for temporary ones (Linux 5.10+: no sync of the
     * upper filesystem, which overlay otherwise does at its unmount, milliseconds on a journaling filesystem;
     * the layers are deleted at close, and a directory the spec keeps never gets it: a volatile work
     * directory refuses the next mount), and {@code userxattr} for layers whose overlay attributes are user xattrs.
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
        if (root.keepUpperDir().isEmpty()) {
            config.add(new FsSteps.Param("volatile", null));
        }
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
