package dev.panamax.cli;

import dev.panamax.Capability;
import dev.panamax.seccomp.ArgCondition;
import dev.panamax.sys.Namespace;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.panamax.cli.SpecTemplate.object;

/**
 * The runtime-spec features document ({@code features.md}, {@code features-linux.md}) that {@code features}
 * prints: what Panamax recognizes in a config.json, fixed at build time as the spec asks, not probed on the
 * host. Lists come from Panamax's own types where one exists ({@link Namespace}, {@link Capability},
 * {@link ArgCondition.Op}); the mount options, hooks and seccomp actions are those the config.json mapping
 * ({@code dev.panamax.oci}) accepts.
 */
final class Features {
    /** Hooks the config.json mapping reads, in the runtime-spec's order. */
    static final List<String> HOOKS = List.of("prestart", "createRuntime", "createContainer", "startContainer",
            "poststart", "poststop");
    /**
     * Mount options the mapping accepts: the per-mount flags Panamax sets ({@code MountOption}), their
     * negations, read-only, bind and propagation flags, and devpts' {@code newinstance}.
     */
    static final List<String> MOUNT_OPTIONS = List.of("atime", "bind", "defaults", "dev", "diratime", "exec",
            "newinstance", "noatime", "nodev", "nodiratime", "noexec", "norelatime", "nostrictatime", "nosuid",
            "nosymfollow", "private", "rbind", "relatime", "ro", "rprivate", "rshared", "rslave", "rw", "shared",
            "slave", "strictatime", "suid", "symfollow");
    /** Seccomp actions the mapping turns into a {@code SeccompAction} (no TRACE, no NOTIFY). */
    static final List<String> SECCOMP_ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRAP");
    /** Filter flags the mapping accepts: none of them changes what a single-threaded, unlogged load does. */
    static final List<String> SECCOMP_FLAGS = List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    private Features() {
    }

    /**
     * The document.
     *
     * @return the features tree, in the order of the runtime-spec's description
     */
    static Map<String, Object> document() {
        return object(
                "ociVersionMin", Version.SPEC_MIN,
                "ociVersionMax", Version.SPEC,
                "hooks", HOOKS,
                "mountOptions", MOUNT_OPTIONS,
                "linux", object(
                        "namespaces", namespaces(),
                        "capabilities", Arrays.stream(Capability.values()).map(c -> "CAP_" + c.name()).toList(),
                        "cgroup", object("v1", true, "v2", true, "systemd", false, "systemdUser", false,
                                "rdma", false),
                        "seccomp", object(
                                "enabled", true,
                                "actions", SECCOMP_ACTIONS,
                                "operators", Arrays.stream(ArgCondition.Op.values())
                                        .map(op -> "SCMP_CMP_" + op.name()).sorted().toList(),
                                // the architectures Panamax has tables for; a filter admits its own only
                                // and kills any other (x86 and x32 on x86-64, arm on arm64)
                                "archs", List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_X86_64"),
                                "knownFlags", SECCOMP_FLAGS,
                                "supportedFlags", SECCOMP_FLAGS),
                        "apparmor", object("enabled", false),
                        "selinux", object("enabled", false),
                        "intelRdt", object("enabled", false),
                        "mountExtensions", object("idmap", object("enabled", false))),
                "annotations", object("dev.panamax.version", Version.panamax()));
    }

    /** The runtime-spec's names of the namespaces Panamax makes and joins, sorted. */
    private static List<String> namespaces() {
        return Arrays.stream(Namespace.values()).map(n -> switch (n) {
            case MOUNT -> "mount";
            case NET -> "network";
            default -> n.name().toLowerCase(Locale.ROOT);
        }).sorted().toList();
    }
}
