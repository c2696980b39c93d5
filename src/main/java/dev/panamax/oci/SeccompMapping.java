package dev.panamax.oci;

import dev.panamax.seccomp.ArgCondition;
import dev.panamax.seccomp.SeccompAction;
import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.seccomp.SeccompRule;
import dev.panamax.spec.InvalidSpecException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code linux.seccomp} (the OCI form of a libseccomp profile) onto a {@link SeccompProfile} for the existing
 * compiler, following runc's reading: an action's {@code errnoRet} defaults to EPERM; the conditions of one entry
 * all hold together, unless two test the same argument, when each becomes a rule of its own (libseccomp cannot AND
 * those); {@code SCMP_CMP_MASKED_EQ} is {@code (arg & value) == valueTwo}; a rule with the default action and no
 * condition is left out (one with conditions stays: it is tried before the call's other rules); a name no
 * architecture's table knows (x86-64's, arm64's) is left out when its rule allows the call (no such call can be
 * made) or the default action denies it too, and refused otherwise; of two unconditional rules for one call with
 * different actions, the one that denies is kept. See {@link OciConfig} for the flags.
 *
 * <p>Architectures: {@code architectures} may name any libseccomp architecture (Docker and podman write
 * {@code SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32} on x86-64 and {@code SCMP_ARCH_AARCH64, SCMP_ARCH_ARM} on
 * arm64); the filter admits the target's own architecture, as libseccomp always adds the native one, and kills
 * any other, compat ones included. A rule for a call the target does not have ({@code iopl} on arm64) stays in
 * the profile and is left out of that architecture's filter ({@code CompiledFilter#leftOut}).
 */
final class SeccompMapping {
    private static final Set<String> FIELDS = Set.of("defaultAction", "defaultErrnoRet", "architectures", "flags",
            "listenerPath", "listenerMetadata", "syscalls");
    private static final Set<String> ARCHES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");
    /** Flags that change nothing Panamax's single-threaded, unlogged, mitigated filter load could weaken. */
    private static final Set<String> FLAGS = Set.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    private static final Map<String, ArgCondition.Op> OPS = Map.of("SCMP_CMP_NE", ArgCondition.Op.NE,
            "SCMP_CMP_LT", ArgCondition.Op.LT, "SCMP_CMP_LE", ArgCondition.Op.LE, "SCMP_CMP_EQ", ArgCondition.Op.EQ,
            "SCMP_CMP_GE", ArgCondition.Op.GE, "SCMP_CMP_GT", ArgCondition.Op.GT,
            "SCMP_CMP_MASKED_EQ", ArgCondition.Op.MASKED_EQ);
    private static final int EPERM = 1;

    private SeccompMapping() {
    }

    static SeccompProfile.Builder map(OciNode s) {
        s.known(FIELDS);
        String listener = s.string("listenerPath");
        if (listener != null && !listener.isEmpty()) {
            throw new OciConfigException(s.at("listenerPath"), "not supported (no seccomp user notification)");
        }
        List<String> arches = s.strings("architectures");
        for (int i = 0; i < arches.size(); i++) {
            if (!ARCHES.contains(arches.get(i))) {
                throw new OciConfigException(s.at("architectures") + "[" + i + "]", "unknown architecture \""
                        + arches.get(i) + "\"");
            }
        }
        List<String> flags = s.strings("flags");
        for (int i = 0; i < flags.size(); i++) {
            if (!FLAGS.contains(flags.get(i))) {
                throw new OciConfigException(s.at("flags") + "[" + i + "]", "unknown or unsupported flag \""
                        + flags.get(i) + "\"");
            }
        }
        Long defaultErrno = s.integer("defaultErrnoRet", 0, 4095);
        SeccompAction defaultAction = action(s, "defaultAction", defaultErrno, s.at("defaultErrnoRet"));
        SeccompProfile.Builder b = SeccompProfile.builder(defaultAction);
        Map<String, Boolean> known = new HashMap<>();
        List<SeccompRule> rules = new ArrayList<>();
        Map<String, SeccompRule> unconditional = new HashMap<>();
        for (OciNode call : s.objects("syscalls")) {
            call.known(Set.of("names", "action", "errnoRet", "args"));
            SeccompAction action = action(call, "action", call.integer("errnoRet", 0, 4095), call.at("errnoRet"));
            List<List<ArgCondition>> conditions = conditions(call);
            List<String> names = call.strings("names");
            if (names.isEmpty()) {
                throw new OciConfigException(call.at("names"), "missing or empty");
            }
            if (action.equals(defaultAction) && call.objects("args").isEmpty()) {
                continue; // as runc: redundant, and it would conflict with another entry's rule for the call
            }
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!known.computeIfAbsent(name, SeccompMapping::known)) {
                    if (!denies(action) || denies(defaultAction)) {
                        continue; // no such call here: allowed, it cannot be made; denied, the default denies it
                    }
                    throw new OciConfigException(call.at("names") + "[" + i + "]", "syscall \"" + name + "\" is not"
                            + " in Panamax's table for this architecture; a rule that denies it, under a default"
                            + " that allows, cannot be honoured");
                }
                for (List<ArgCondition> rule : conditions) {
                    add(rules, unconditional, SeccompRule.of(name, action, rule.toArray(ArgCondition[]::new)));
                }
            }
        }
        rules.forEach(b::rule);
        return b;
    }

    /**
     * Adds {@code rule}, unless it is a second unconditional rule for a call with another action (podman 4.3's
     * profile allows setns in one entry and denies it with EPERM in another): of two such rules the one that
     * denies is kept, which never lets through a call runc's filter would stop.
     */
    private static void add(List<SeccompRule> rules, Map<String, SeccompRule> unconditional, SeccompRule rule) {
        if (!rule.conditions().isEmpty()) {
            rules.add(rule);
            return;
        }
        SeccompRule before = unconditional.get(rule.syscall());
        if (before == null) {
            unconditional.put(rule.syscall(), rule);
            rules.add(rule);
        } else if (!before.action().equals(rule.action()) && denies(rule.action()) && !denies(before.action())) {
            rules.set(rules.indexOf(before), rule);
            unconditional.put(rule.syscall(), rule);
        }
    }

    /** Whether {@code action} keeps the call from running (ALLOW and LOG let it run). */
    private static boolean denies(SeccompAction action) {
        return !(action instanceof SeccompAction.Allow) && !action.equals(SeccompAction.LOG);
    }

    /** Whether an architecture's syscall table has {@code name} (the profile's {@code build()} says). */
    private static boolean known(String name) {
        try {
            SeccompProfile.builder(SeccompAction.ALLOW).allow(name).build();
            return true;
        } catch (InvalidSpecException e) {
            return false;
        }
    }

    private static SeccompAction action(OciNode node, String field, Long errno, String errnoPath) {
        String name = node.requiredString(field);
        SeccompAction action = switch (name) {
            case "SCMP_ACT_ALLOW" -> SeccompAction.ALLOW;
            case "SCMP_ACT_ERRNO" -> SeccompAction.errno(errno == null ? EPERM : errno.intValue());
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> SeccompAction.KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> SeccompAction.KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> SeccompAction.TRAP;
            case "SCMP_ACT_LOG" -> SeccompAction.LOG;
            case "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY" -> throw new OciConfigException(node.at(field), name
                    + " not supported (no tracer or notification listener)");
            default -> throw new OciConfigException(node.at(field), "unknown action \"" + name + "\"");
        };
        if (errno != null && !name.equals("SCMP_ACT_ERRNO")) {
            throw new OciConfigException(errnoPath, "only for SCMP_ACT_ERRNO, the action is " + name);
        }
        return action;
    }

    /** The entry's rules: one with every condition, or one per condition when an argument is tested twice. */
    private static List<List<ArgCondition>> conditions(OciNode call) {
        List<ArgCondition> all = new ArrayList<>();
        boolean[] seen = new boolean[ArgCondition.MAX_INDEX + 1];
        boolean repeated = false;
        for (OciNode arg : call.objects("args")) {
            arg.known(Set.of("index", "value", "valueTwo", "op"));
            int index = (int) arg.requiredInteger("index", 0, ArgCondition.MAX_INDEX);
            Long value = arg.uint64("value");
            if (value == null) {
                throw new OciConfigException(arg.at("value"), "missing");
            }
            Long two = arg.uint64("valueTwo");
            String opName = arg.requiredString("op");
            ArgCondition.Op op = OPS.get(opName);
            if (op == null) {
                throw new OciConfigException(arg.at("op"), "unknown operator \"" + opName + "\" (SCMP_CMP_EQ, NE, LT,"
                        + " LE, GT, GE, MASKED_EQ)");
            }
            try {
                all.add(op == ArgCondition.Op.MASKED_EQ
                        ? ArgCondition.maskedEq(index, value, two == null ? 0 : two)
                        : new ArgCondition(index, op, 0, value));
            } catch (InvalidSpecException e) {
                throw new OciConfigException(arg.path(), e.getMessage(), e);
            }
            repeated |= seen[index];
            seen[index] = true;
        }
        return repeated ? all.stream().map(List::of).toList() : List.of(all);
    }
}
