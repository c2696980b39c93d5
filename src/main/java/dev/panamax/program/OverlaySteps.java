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
        return spec.filesystem().ephemeral().map(OverlaySteps::of).orElse(null);
    }

    /** The writable layers of a launch with the ephemeral root {@code root}. */
    private static Layers of(Filesystem.EphemeralRoot root) {
        return root.keepUpperDir().map(k -> new Layers(k.resolve(UPPER).toString(), k.resolve(WORK).toString()))
                .orElse(new Layers(UPPER, WORK));
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
        String where = " over " + (root.lowerLayers().isEmpty() ? "the image" : "its top layer")
                + " (in the container's mount namespace only)";
        Form form = form(image, root, e.host().kernel());
        if (form == Form.MOUNT_DATA) {
            String data = mountData(image, root, e.host().kernel());
            e.add(Step.of("mount the overlay of " + forWhat + where + " with mount(2), as Linux " + e.host().kernel()
                            + " has no lowerdir+ and the layers do not fit one fsconfig value; layers top first: "
                            + String.join(":", readOnly(image, root)),
                    "mount", new Arg.CString("overlay"), new Arg.CString(image), new Arg.CString("overlay"),
                    new Arg.Word(0), new Arg.CString(data)));
            return;
        }
        String mnt = FsSteps.create(e, "overlay", config(image, root, layers, form), Set.of(), forWhat);
        e.add(Step.of("put " + forWhat + where, "move_mount", MountArgs.fd(mnt), MountArgs.EMPTY, MountArgs.FDCWD,
                new Arg.CString(image), MountArgs.MOVE_EMPTY_FROM));
    }

    /** How the overlay gets its read-only layers. */
    enum Form {
        /** One {@code fsconfig} {@code lowerdir=top:...:bottom}: it fits one value. */
        LOWERDIR,
        /** One {@code fsconfig} {@code lowerdir+} per layer (Linux 6.8+). */
        LOWERDIR_PLUS,
        /** Before Linux 6.8, when they do not fit one value: {@code mount(2)} with one page of options. */
        MOUNT_DATA
    }

    /**
     * The most bytes of {@code mount(2)}'s options, its NUL included: one page ({@code copy_mount_options};
     * 4096 on x86-64, the least page size of arm64).
     */
    static final int MOUNT_DATA_MAX = 4096;

    /** The form for the layers {@code top} and {@code root}'s lower ones on {@code kernel}. */
    static Form form(String top, Filesystem.EphemeralRoot root, KernelRelease kernel) {
        if (fits(String.join(":", readOnly(top, root)))) {
            return Form.LOWERDIR;
        }
        return kernel.atLeast(6, 8) ? Form.LOWERDIR_PLUS : Form.MOUNT_DATA; // 6.8 brought lowerdir+
    }

    /** The read-only layers top first: {@code top} (the rootfs), then the lower layers from the top down. */
    private static List<String> readOnly(String top, Filesystem.EphemeralRoot root) {
        List<String> lower = new ArrayList<>();
        lower.add(top);
        root.lowerLayers().reversed().forEach(p -> lower.add(p.toString()));
        return lower;
    }

    /**
     * Refuses an image root that a launch on {@code kernel} cannot mount: before Linux 6.8 its layers must fit
     * one {@code fsconfig} value or, mounted with {@code mount(2)}, one page of options.
     *
     * @param top    the rootfs, the top layer
     * @param root   the ephemeral root
     * @param kernel the kernel the spec launches on
     * @throws dev.panamax.spec.InvalidSpecException naming {@code image.layers}, their number, the options'
     *                                               bytes and the kernel's release
     */
    public static void check(String top, Filesystem.EphemeralRoot root, KernelRelease kernel) {
        if (form(top, root, kernel) != Form.MOUNT_DATA) {
            return;
        }
        mountData(top, root, kernel);
    }

    /**
     * The options of the overlay's {@code mount(2)}: the fsconfig parameters of the one-{@code lowerdir} form,
     * joined as the legacy parser reads them (options split on {@code ,}, layers on {@code :}, each escaped
     * with a backslash, which overlay removes from every path).
     *
     * @throws dev.panamax.spec.InvalidSpecException when they do not fit {@link #MOUNT_DATA_MAX}
     */
    static String mountData(String top, Filesystem.EphemeralRoot root, KernelRelease kernel) {
        List<String> lower = readOnly(top, root);
        StringBuilder data = new StringBuilder();
        for (FsSteps.Param p : config(lower.stream().map(OverlaySteps::escape).toList(), root, of(root),
                Form.LOWERDIR)) {
            data.append(data.isEmpty() ? "" : ",").append(p.key());
            if (p.value() != null) {
                data.append('=').append(p.key().equals("lowerdir") ? p.value() : escape(p.value()));
            }
        }
        String options = data.toString();
        int bytes = options.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
        if (bytes > MOUNT_DATA_MAX) {
            throw new dev.panamax.spec.InvalidSpecException("image.layers", lower.size() + " layers: Linux "
                    + kernel + " has no lowerdir+ (6.8+), so the overlay is mounted with mount(2), whose options"
                    + " (" + bytes + " bytes with their NUL) must fit one page of " + MOUNT_DATA_MAX
                    + " bytes; Linux 6.8+ takes any number of layers, or use an image of fewer layers");
        }
        return options;
    }

    /** {@code value} with {@code \}, {@code ,} and {@code :} escaped for overlay's legacy option parser. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == ':') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * The overlay's parameters: the read-only layers top first as one {@code lowerdir} ({@link Form#LOWERDIR},
     * also the options of {@link Form#MOUNT_DATA}) or one {@code lowerdir+} each ({@link Form#LOWERDIR_PLUS},
     * Linux 6.8+); then the writable layers, {@code volatile} for temporary ones (Linux 5.10+: no sync of the
     * upper filesystem, which overlay otherwise does at its unmount, milliseconds on a journaling filesystem;
     * the layers are deleted at close, and a directory the spec keeps never gets it: a volatile work
     * directory refuses the next mount), and {@code userxattr} for layers whose overlay attributes are user xattrs.
     */
    static List<FsSteps.Param> config(String top, Filesystem.EphemeralRoot root, Layers layers, Form form) {
        return config(readOnly(top, root), root, layers, form);
    }

    private static List<FsSteps.Param> config(List<String> lower, Filesystem.EphemeralRoot root, Layers layers,
                                              Form form) {
        List<FsSteps.Param> config = new ArrayList<>();
        if (form == Form.LOWERDIR_PLUS) {
            lower.forEach(dir -> config.add(new FsSteps.Param("lowerdir+", dir)));
        } else {
            config.add(new FsSteps.Param("lowerdir", String.join(":", lower)));
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
