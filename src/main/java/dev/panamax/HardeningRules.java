package dev.panamax;

import dev.panamax.seccomp.SeccompProfile;
import dev.panamax.spec.InvalidSpecException;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The rules of {@link Hardening} (checked by its constructor) and the name resolution of its builder: each
 * failure names the spec field and the rule.
 */
final class HardeningRules {
    private HardeningRules() {
    }

    /** One edit of the kept set: {@code '='} replace, {@code '+'} add, {@code '-'} drop. */
    record Edit(char op, List<String> names) {
    }

    /** {@code start} after {@code edits}, in order (a mutable copy). */
    static Set<Capability> capabilities(Set<Capability> start, List<Edit> edits) {
        EnumSet<Capability> kept = EnumSet.noneOf(Capability.class);
        kept.addAll(start);
        for (Edit edit : edits) {
            if (edit.op() == '=') {
                kept.clear();
            }
            for (String name : edit.names()) {
                Capability c = parse("capabilities", name);
                if (edit.op() == '-') {
                    kept.remove(c);
                } else {
                    kept.add(c);
                }
            }
        }
        return kept;
    }

    /** The capabilities {@code names} name, for {@code field}. */
    static Set<Capability> parse(String field, List<String> names) {
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        names.forEach(name -> caps.add(parse(field, name)));
        return caps;
    }

    static void checkAmbient(Set<Capability> ambient, Set<Capability> kept) {
        for (Capability c : ambient) {
            if (!kept.contains(c)) {
                throw new InvalidSpecException("ambientCapabilities", c.kernelName()
                        + " is not among the kept capabilities; an ambient capability must also be kept");
            }
        }
    }

    private static Capability parse(String field, String name) {
        try {
            return Capability.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(field, e.getMessage());
        }
    }

    static void checkRlimit(Rlimit resource, Rlimit.Value v) {
        String field = "rlimit[" + resource.name() + "]";
        if (v.soft() < 0 && v.soft() != Rlimit.UNLIMITED || v.hard() < 0 && v.hard() != Rlimit.UNLIMITED) {
            throw new InvalidSpecException(field, "limits are non-negative or Rlimit.UNLIMITED, got soft "
                    + v.soft() + ", hard " + v.hard());
        }
        if (Long.compareUnsigned(v.soft(), v.hard()) > 0) {
            throw new InvalidSpecException(field, "the soft limit " + Rlimit.Value.render(v.soft())
                    + " is above the hard limit " + Rlimit.Value.render(v.hard()));
        }
    }

    static void checkOomScoreAdj(int adj) {
        if (adj < -1000 || adj > 1000) {
            throw new InvalidSpecException("oomScoreAdj", "must be in -1000..1000, got " + adj);
        }
    }

    static void checkUmask(int mask) {
        if (mask < 0 || mask > 0777) {
            throw new InvalidSpecException("umask", "must be in 0..0777 (octal), got 0" + Integer.toOctalString(mask));
        }
    }

    /** Builds a profile given as a builder (so its errors name the field), or empty for none. */
    static Optional<SeccompProfile> seccomp(Supplier<SeccompProfile> given) {
        return given == null ? Optional.empty() : Optional.of(seccompRule(given));
    }

    /** Compiles the profile (once: it keeps the filter), so a filter too long or a conflict fails in the spec. */
    static void checkSeccomp(SeccompProfile profile) {
        seccompRule(profile::compile);
    }

    private static <T> T seccompRule(Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidSpecException e) {
            throw e; // the seccomp package's own, field "seccomp"
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new InvalidSpecException("seccomp", e.getMessage());
        }
    }

    /** An AppArmor profile name: not empty, and no NUL byte or newline (it is written as {@code exec NAME}). */
    static void checkAppArmorProfile(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\n') >= 0) {
            throw new InvalidSpecException("appArmorProfile", "not a profile name (empty, or a NUL byte or newline)");
        }
    }
}
