package dev.panamax.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.panamax.ContainerSpec;
import dev.panamax.spec.InvalidSpecException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OCI runtime-spec {@code config.json} (versions 1.0.0 to 1.2.x) and its mapping onto a {@link ContainerSpec}.
 * {@link #read(Path)} checks the document; {@link #toSpec(Path)} maps it; what the runtime does itself (hooks,
 * annotations, the terminal's console socket and size, the cgroup path) stays readable here.
 *
 * <pre>{@code
 * OciConfig config = OciConfig.read(bundle.resolve("config.json"));
 * ContainerSpec spec = config.toSpec(bundle);      // root.path relative to the bundle
 * config.hooks(OciHook.Point.CREATE_RUNTIME);       // for the runtime to run
 * }</pre>
 *
 * <p>Every error is an {@link OciConfigException} naming the JSON path. Mapped as the runtime-spec says, with
 * these choices:
 * <ul>
 * <li>What the config leaves out is off: no seccomp filter without {@code linux.seccomp}, no_new_privs off
 *     without {@code noNewPrivileges}, nothing masked without {@code maskedPaths}, an empty capability set for
 *     a missing one, the host's network without a network namespace.</li>
 * <li>Capabilities: {@code bounding} is the kept set, {@code ambient} the ambient one; after execve the kernel
 *     computes the permitted and effective sets from those, so they are only checked (effective within
 *     permitted); ambient capabilities the kernel cannot raise (not also permitted, inheritable and bounding)
 *     are dropped, as runc drops them; inheritable capabilities beyond the ambient ones are dropped.</li>
 * <li>The {@code /dev} tmpfs ({@code nosuid,mode=755,size=65536k}, {@code noexec} as podman sets it) is Panamax's minimal /dev, which makes the
 *     runtime-spec's default devices; {@code linux.devices} may list only those. A proc mount on /proc is the
 *     spec's own /proc. {@code resources.devices} rules come after Panamax's default allow-list and are followed
 *     by its allow rules again (as runc appends its allowed devices).</li>
 * <li>{@code linux.sysctl} entries become the spec's sysctls (only namespaced ones: an error names
 *     {@code linux.sysctl.KEY}); {@code process.apparmorProfile} the spec's AppArmor profile.</li>
 * </ul>
 * Ignored, because ignoring them cannot weaken isolation: unknown top-level fields and hook points
 * ({@link #ignoredFields()}, as the runtime-spec's extensibility rule asks); {@code cgroupsPath} (kept for the
 * runtime: the container gets its own cgroup); access-time options on proc, sysfs, devpts, mqueue and cgroup mounts; {@code gid=5} on
 * devpts; {@code rw} on a cgroup mount (the view is always read-only); a cgroup mount without a cgroup namespace
 * gets one (the view shows the container's own cgroup only); a {@code rootfsPropagation} of slave or rslave
 * (the root stays private); the seccomp architectures other than the target's own (x86-64 or arm64: their calls are killed) and
 * the flags TSYNC, LOG, SPEC_ALLOW and WAIT_KILLABLE_RECV; {@code memory.useHierarchy} and
 * {@code checkBeforeUpdate}; private or slave propagation flags on a new filesystem; an unknown syscall name in
 * a rule that allows it or under a default action that denies it.
 *
 * <p>Not supported, an error naming the field: {@code process.selinuxLabel} and
 * {@code linux.mountLabel} when not empty; {@code process.scheduler}, {@code ioPriority},
 * {@code execCPUAffinity}, {@code commandLine}, {@code user.username}; {@code intelRdt},
 * {@code memoryPolicy}, {@code netDevices}, {@code timeOffsets}, a {@code personality} other than LINUX,
 * devices other than the defaults, joining a pid, mount, user or time namespace, idmapped mounts, mount
 * types other than bind, tmpfs, proc, sysfs, devpts, mqueue and cgroup, shared or unbindable root propagation;
 * {@code resources.rdma}, memory {@code kernel}, {@code kernelTCP}, {@code swappiness}, {@code disableOOMKiller},
 * cpu {@code burst}, {@code idle} and the realtime fields, blockIO {@code leafWeight} and {@code weightDevice},
 * {@code unified} keys without a Panamax field; seccomp {@code SCMP_ACT_TRACE}, {@code SCMP_ACT_NOTIFY} and a
 * listener; the {@code windows}, {@code solaris}, {@code vm} and {@code zos} sections. An unknown field inside
 * {@code process}, {@code root}, {@code mounts} or {@code linux} is an error too (a deliberate departure from
 * the extensibility rule: there a field Panamax does not know may be one that restricts the container).
 */
public final class OciConfig {
    /** The largest config.json read. */
    static final int MAX_DOCUMENT = 4 * 1024 * 1024;
    private static final Pattern VERSION = Pattern.compile("1\\.[0-2]\\.\\d+(-[0-9A-Za-z.+-]+)?(\\+[0-9A-Za-z.-]+)?");
    private static final Set<String> FIELDS = Set.of("ociVersion", "root", "mounts", "process", "hostname",
            "domainname", "hooks", "annotations", "linux");
    private static final Set<String> OTHER_PLATFORMS = Set.of("windows", "solaris", "vm", "zos");

    private final OciNode root;
    private final String ociVersion;
    private final Map<OciHook.Point, List<OciHook>> hooks;
    private final Map<String, String> annotations;
    private final List<String> ignored;

    private OciConfig(OciNode root) {
        this.root = root;
        this.ociVersion = root.requiredString("ociVersion");
        if (!VERSION.matcher(ociVersion).matches()) {
            throw new OciConfigException("ociVersion", "\"" + ociVersion + "\" not supported (1.0.0 to 1.2.x)");
        }
        List<String> unknown = new ArrayList<>();
        for (String name : (Iterable<String>) root.json()::fieldNames) {
            if (OTHER_PLATFORMS.contains(name)) {
                throw new OciConfigException(name, "not supported (Panamax runs Linux containers)");
            }
            if (!FIELDS.contains(name)) {
                unknown.add(name);
            }
        }
        OciNode hookNode = root.object("hooks");
        if (hookNode != null) {
            Set<String> points = java.util.Arrays.stream(OciHook.Point.values()).map(OciHook.Point::field)
                    .collect(java.util.stream.Collectors.toSet());
            for (String name : (Iterable<String>) hookNode.json()::fieldNames) {
                if (!points.contains(name)) {
                    unknown.add(hookNode.at(name));
                }
            }
        }
        this.ignored = List.copyOf(unknown);
        this.hooks = hooks(hookNode);
        this.annotations = Collections.unmodifiableMap(root.stringMap("annotations"));
        OciNode process = root.object("process");
        if (process != null) {
            process.bool("terminal", false);
        }
    }

    /**
     * Reads and checks a {@code config.json}.
     *
     * @param configJson the file
     * @return the config
     * @throws OciConfigException    naming the JSON path of what is wrong
     * @throws IOException           if the file cannot be read
     * @throws IllegalStateException if Jackson (an optional dependency of Panamax) is missing
     */
    public static OciConfig read(Path configJson) throws IOException {
        if (Files.size(configJson) > MAX_DOCUMENT) {
            throw new OciConfigException("", configJson + " is larger than " + MAX_DOCUMENT + " bytes");
        }
        return parse(Files.readAllBytes(configJson));
    }

    /**
     * Parses and checks the bytes of a {@code config.json}.
     *
     * @param json the document
     * @return the config
     * @throws OciConfigException    naming the JSON path of what is wrong
     * @throws IllegalStateException if Jackson (an optional dependency of Panamax) is missing
     */
    public static OciConfig parse(byte[] json) {
        return new OciConfig(object(json));
    }

    /** The document's top-level object, or an {@link OciConfigException}. */
    static OciNode object(byte[] json) {
        JsonNode tree;
        try {
            tree = Jackson.read(json);
        } catch (JsonProcessingException e) {
            throw new OciConfigException("", "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new OciConfigException("", "not valid JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new OciConfigException("", "not a JSON object");
        }
        return new OciNode(tree, "");
    }

    /** Jackson, loaded on first use, with a clear error when the optional jar is missing. */
    private static final class Jackson {
        static {
            try {
                Class.forName("com.fasterxml.jackson.databind.JsonNode", false, OciConfig.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("dev.panamax.oci needs the optional dependency"
                        + " com.fasterxml.jackson.core:jackson-databind (module com.fasterxml.jackson.databind)", e);
            }
        }

        static JsonNode read(byte[] json) throws IOException {
            return JsonTree.read(json);
        }
    }

    /**
     * Maps the config onto a spec: the root filesystem and relative bind sources are taken relative to
     * {@code bundle}. The spec's standard streams are inherited (or a terminal with {@code process.terminal});
     * how it is launched (created, started, its console socket) is the runtime's part.
     *
     * @param bundle the bundle directory
     * @return the spec
     * @throws OciConfigException naming the JSON path of a field Panamax cannot honour, or of the field whose
     *                            value the spec refuses
     */
    public ContainerSpec toSpec(Path bundle) {
        ContainerSpec.Builder b = ContainerSpec.builder();
        OciNode process = root.object("process");
        if (process == null) {
            throw new OciConfigException("process", "missing: Panamax needs the process to run");
        }
        Path dir = bundle.toAbsolutePath().normalize();
        MountMapping.root(root.object("root"), dir, b);
        ProcessMapping.map(process, b);
        b.hostname(root.string("hostname"));
        b.domainname(root.string("domainname"));
        boolean cgroupView = MountMapping.mounts(root, dir, b);
        LinuxMapping.map(root.object("linux"), cgroupView, b);
        try {
            return b.build();
        } catch (InvalidSpecException e) {
            String path = SpecFields.path(e.field());
            throw new OciConfigException(path, SpecFields.reason(path, e), e);
        }
    }

    private static Map<OciHook.Point, List<OciHook>> hooks(OciNode hooks) {
        Map<OciHook.Point, List<OciHook>> out = new EnumMap<>(OciHook.Point.class);
        for (OciHook.Point point : OciHook.Point.values()) {
            List<OciHook> list = new ArrayList<>();
            if (hooks != null) {
                for (OciNode h : hooks.objects(point.field())) {
                    h.known(Set.of("path", "args", "env", "timeout"));
                    Long timeout = h.integer("timeout", 1, Integer.MAX_VALUE);
                    try {
                        list.add(new OciHook(h.requiredString("path"), h.strings("args"), h.strings("env"),
                                timeout == null ? OptionalInt.empty() : OptionalInt.of(timeout.intValue())));
                    } catch (IllegalArgumentException e) {
                        throw e instanceof OciConfigException ? e : new OciConfigException(h.path(), e.getMessage(), e);
                    }
                }
            }
            out.put(point, List.copyOf(list));
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@return the {@code ociVersion} the config declares, such as {@code 1.0.2-dev}} */
    public String ociVersion() {
        return ociVersion;
    }

    /**
     * {@return the hooks of one lifecycle point, in order (empty if none)}
     *
     * @param point the lifecycle point
     */
    public List<OciHook> hooks(OciHook.Point point) {
        return hooks.get(point);
    }

    /** {@return the annotations, in document order} */
    public Map<String, String> annotations() {
        return annotations;
    }

    /** {@return whether the process gets a terminal ({@code process.terminal}); false without a process} */
    public boolean terminal() {
        OciNode process = root.object("process");
        return process != null && process.bool("terminal", false);
    }

    /**
     * A terminal's size.
     *
     * @param height rows
     * @param width  columns
     */
    public record ConsoleSize(int height, int width) {
    }

    /** {@return the terminal's size ({@code process.consoleSize}), if given} */
    public Optional<ConsoleSize> consoleSize() {
        OciNode process = root.object("process");
        OciNode size = process == null ? null : process.object("consoleSize");
        if (size == null) {
            return Optional.empty();
        }
        return Optional.of(new ConsoleSize((int) size.requiredInteger("height", 0, 0xFFFF),
                (int) size.requiredInteger("width", 0, 0xFFFF)));
    }

    /** {@return {@code linux.cgroupsPath}, if given} */
    public Optional<String> cgroupsPath() {
        OciNode linux = root.object("linux");
        return Optional.ofNullable(linux == null ? null : linux.string("cgroupsPath")).filter(s -> !s.isEmpty());
    }

    /**
     * {@return the fields Panamax does not know and ignores, as the runtime-spec says: top-level ones and hook
     * points (such as {@code hooks.newPoint})}
     */
    public List<String> ignoredFields() {
        return ignored;
    }
}
