package dev.panamax.oci;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.Rlimit;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code process} onto the builder: args, env, cwd, user, the capability sets, rlimits, no_new_privs,
 * oom_score_adj, the terminal. See {@link OciConfig} for what is not supported and why.
 */
final class ProcessMapping {
    private static final Set<String> FIELDS = Set.of("terminal", "consoleSize", "user", "args", "commandLine",
            "env", "cwd", "capabilities", "rlimits", "noNewPrivileges", "apparmorProfile", "oomScoreAdj",
            "selinuxLabel", "scheduler", "ioPriority", "execCPUAffinity");
    private static final Set<String> USER = Set.of("uid", "gid", "umask", "additionalGids", "username");
    private static final List<String> CAPS = List.of("bounding", "effective", "inheritable", "permitted", "ambient");

    private ProcessMapping() {
    }

    static void map(OciNode process, ContainerSpec.Builder b) {
        process.known(FIELDS);
        for (String field : List.of("commandLine", "scheduler", "ioPriority", "execCPUAffinity")) {
            if (process.has(field)) {
                throw new OciConfigException(process.at(field), "not supported");
            }
        }
        String label = process.string("selinuxLabel");
        if (label != null && !label.isEmpty()) {
            throw new OciConfigException(process.at("selinuxLabel"), "not supported (Panamax applies no SELinux label)");
        }
        String profile = process.string("apparmorProfile");
        if (profile != null && !profile.isEmpty()) {
            b.appArmorProfile(profile);
        }
        List<String> args = process.strings("args");
        if (args.isEmpty()) {
            throw new OciConfigException(process.at("args"), "missing or empty: the process needs a program");
        }
        b.command(args);
        env(process, b);
        String cwd = process.requiredString("cwd");
        if (!cwd.startsWith("/")) {
            throw new OciConfigException(process.at("cwd"), "must be an absolute path, got \"" + cwd + "\"");
        }
        b.workingDirectory(cwd);
        OciNode user = process.object("user");
        if (user == null) {
            throw new OciConfigException(process.at("user"), "missing");
        }
        user(user, b);
        capabilities(process.object("capabilities"), process.at("capabilities"), b);
        rlimits(process, b);
        b.noNewPrivileges(process.bool("noNewPrivileges", false));
        Long adj = process.integer("oomScoreAdj", -1000, 1000);
        if (adj != null) {
            b.oomScoreAdj(adj.intValue());
        }
        b.terminal(process.bool("terminal", false));
        OciNode size = process.object("consoleSize");
        if (size != null) {
            size.known(Set.of("height", "width"));
            size.requiredInteger("height", 0, 0xFFFF);
            size.requiredInteger("width", 0, 0xFFFF);
        }
    }

    /** The environment is exactly the list: no default PATH unless the list has one. */
    private static void env(OciNode process, ContainerSpec.Builder b) {
        b.unsetEnv("PATH");
        List<String> env = process.strings("env");
        for (int i = 0; i < env.size(); i++) {
            String entry = env.get(i);
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new OciConfigException(process.at("env") + "[" + i + "]", "not NAME=VALUE");
            }
            b.env(entry.substring(0, eq), entry.substring(eq + 1));
        }
    }

    private static void user(OciNode user, ContainerSpec.Builder b) {
        user.known(USER);
        if (user.has("username")) {
            throw new OciConfigException(user.at("username"), "not supported (Windows only)");
        }
        long uid = user.requiredInteger("uid", 0, 0xFFFF_FFFEL);
        long gid = user.requiredInteger("gid", 0, 0xFFFF_FFFEL);
        b.user(uid, gid);
        Long umask = user.integer("umask", 0, 0777);
        if (umask != null) {
            b.umask(umask.intValue());
        }
        if (user.has("additionalGids")) {
            var gids = user.json().get("additionalGids");
            if (!gids.isArray()) {
                throw new OciConfigException(user.at("additionalGids"), "not an array");
            }
            long[] groups = new long[gids.size()];
            for (int i = 0; i < groups.length; i++) {
                var g = gids.get(i);
                if (!g.isIntegralNumber() || !g.canConvertToLong() || g.longValue() < 0 || g.longValue() > 0xFFFF_FFFEL) {
                    throw new OciConfigException(user.at("additionalGids") + "[" + i + "]", "not a gid: " + g);
                }
                groups[i] = g.longValue();
            }
            b.supplementaryGroups(groups);
        }
    }

    /**
     * Panamax keeps one set (bounding, permitted and effective) plus the ambient set, which is also the
     * inheritable one. After execve only the bounding, inheritable and ambient sets count (the kernel computes
     * the new permitted and effective sets from them), so: bounding is the kept set; effective must lie in
     * permitted (capset refuses otherwise); the ambient capabilities the kernel can raise (those also permitted,
     * inheritable and bounding) are ambient, others dropped as runc drops them; inheritable capabilities beyond
     * those are dropped (less privilege). A missing object or set is empty.
     */
    static void capabilities(OciNode caps, String path, ContainerSpec.Builder b) {
        if (caps != null) {
            caps.known(Set.copyOf(CAPS));
        }
        Map<String, Set<Capability>> sets = new java.util.HashMap<>();
        for (String set : CAPS) {
            sets.put(set, caps == null ? EnumSet.noneOf(Capability.class) : parse(caps, set));
        }
        Set<Capability> extra = EnumSet.noneOf(Capability.class);
        extra.addAll(sets.get("effective"));
        extra.removeAll(sets.get("permitted"));
        if (!extra.isEmpty()) {
            throw new OciConfigException(path + ".effective", extra.stream().map(Capability::kernelName).toList()
                    + " not in the permitted set (capset refuses such a set)");
        }
        Set<Capability> ambient = EnumSet.noneOf(Capability.class);
        ambient.addAll(sets.get("ambient"));
        ambient.retainAll(sets.get("permitted"));
        ambient.retainAll(sets.get("inheritable"));
        ambient.retainAll(sets.get("bounding"));
        b.capabilities(sets.get("bounding"));
        b.ambientCapabilities(ambient.toArray(Capability[]::new));
    }

    private static Set<Capability> parse(OciNode caps, String set) {
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        List<String> names = caps.strings(set);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!name.startsWith("CAP_")) {
                throw new OciConfigException(caps.at(set) + "[" + i + "]", "\"" + name
                        + "\" is not a capability name such as CAP_KILL");
            }
            try {
                out.add(Capability.parse(name));
            } catch (IllegalArgumentException e) {
                throw new OciConfigException(caps.at(set) + "[" + i + "]", e.getMessage(), e);
            }
        }
        return out;
    }

    private static void rlimits(OciNode process, ContainerSpec.Builder b) {
        Map<Rlimit, Boolean> seen = new EnumMap<>(Rlimit.class);
        List<OciNode> limits = process.objects("rlimits");
        for (OciNode limit : limits) {
            limit.known(Set.of("type", "soft", "hard"));
            String type = limit.requiredString("type");
            Rlimit r;
            try {
                if (!type.startsWith("RLIMIT_")) {
                    throw new IllegalArgumentException(type);
                }
                r = Rlimit.valueOf(type.substring(7));
            } catch (IllegalArgumentException e) {
                throw new OciConfigException(limit.at("type"), "unknown resource \"" + type + "\" (RLIMIT_NOFILE, ...)");
            }
            if (seen.put(r, true) != null) {
                throw new OciConfigException(limit.at("type"), type + " is given twice");
            }
            Long soft = limit.uint64("soft");
            Long hard = limit.uint64("hard");
            if (soft == null || hard == null) {
                throw new OciConfigException(limit.at(soft == null ? "soft" : "hard"), "missing");
            }
            b.rlimit(r, soft, hard);
        }
    }
}
