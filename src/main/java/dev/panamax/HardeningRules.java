package dev.panamax;

import dev.panamax.seccomp.SeccompProfile;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The rules of {@link Hardening.Builder#build()}: each failure names the spec field and the rule. */
final class HardeningRules {
    private HardeningRules() {
    }

    /** One edit of the kept set: {@code '='} replace, {@code '+'} add, {@code '-'} drop. */
    record Edit(char op, List<String> names) {
    }

    static Set<Capability> capabilities(List<Edit> edits) {
        EnumSet<Capability> kept = EnumSet.noneOf(Capability.class);
        kept.addAll(Capability.defaultSet());
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

    static Set<Capability> ambient(List<String> names, Set<Capability> kept) {
        EnumSet<Capability> ambient = EnumSet.noneOf(Capability.class);
        for (String name : names) {
            Capability c = parse("ambientCapabilities", name);
            if (!kept.contains(c)) {
                throw new InvalidSpecException("ambientCapabilities", c.kernelName()
                        + " is not among the kept capabilities; an ambient capability must also be kept");
            }
            ambient.add(c);
        }
        return ambient;
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

    /** Builds a profile given as a builder, and compiles it once so a filter too long fails here. */
    static Optional<SeccompProfile> seccomp(Supplier<SeccompProfile> given) {
        if (given == null) {
            return Optional.empty();
        }
        try {
            SeccompProfile p = given.get();
            p.compile();
            return Optional.of(p);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new InvalidSpecException("seccomp", e.getMessage());
        }
    }
}
