package dev.panamax.mount;


import dev.panamax.spec.InvalidSpecException;

import java.util.EnumSet;
import java.util.Set;

/** Validation of a set of {@link MountOption}s. */
final class MountOptions {
    private MountOptions() {
    }

    static Set<MountOption> check(String target, Set<MountOption> options) {
        if (options == null) {
            throw new InvalidSpecException("mount.options", "on " + target + ": null (use an empty set)");
        }
        long atime = options.stream().filter(MountOption::isAtime).count();
        if (atime > 1) {
            throw new InvalidSpecException("mount.options", "on " + target
                    + ": RELATIME, NOATIME and STRICTATIME exclude each other, got " + options);
        }
        return options.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(options));
    }
}
