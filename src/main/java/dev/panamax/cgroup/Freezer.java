package dev.panamax.cgroup;

import java.nio.file.Path;
import java.time.Duration;

/** Stops and resumes every process of a cgroup: v2 {@code cgroup.freeze}, v1 {@code freezer.state}. */
sealed interface Freezer {

    Duration TIMEOUT = Duration.ofSeconds(10);

    /** Returns once the kernel reports every process frozen. */
    void freeze();

    void thaw();

    boolean frozen();

    /** v2: write 1 to cgroup.freeze, then wait for "frozen 1" in cgroup.events. */
    record V2(Path dir) implements Freezer {
        @Override
        public void freeze() {
            CgroupFs.write(dir.resolve("cgroup.freeze"), "1");
            Poll.until(this::frozen, TIMEOUT, () -> dir.resolve("cgroup.events") + " did not report \"frozen 1\" within "
                    + TIMEOUT.toSeconds() + " s");
        }

        @Override
        public void thaw() {
            CgroupFs.write(dir.resolve("cgroup.freeze"), "0");
            Poll.until(() -> !frozen(), TIMEOUT, () -> dir.resolve("cgroup.events")
                    + " still reports \"frozen 1\" " + TIMEOUT.toSeconds() + " s after thawing");
        }

        @Override
        public boolean frozen() {
            return CgroupFs.readKey(dir.resolve("cgroup.events"), "frozen").orElse(0) == 1;
        }
    }

    /** v1: write FROZEN to freezer.state until it reads FROZEN (it passes through FREEZING). */
    record V1(Path dir) implements Freezer {
        @Override
        public void freeze() {
            Path state = dir.resolve("freezer.state");
            Poll.until(() -> {
                CgroupFs.write(state, "FROZEN");
                return frozen();
            }, TIMEOUT, () -> state + " did not reach FROZEN within " + TIMEOUT.toSeconds() + " s (it reads "
                    + CgroupFs.read(state).strip() + ")");
        }

        @Override
        public void thaw() {
            Path state = dir.resolve("freezer.state");
            CgroupFs.write(state, "THAWED");
            Poll.until(() -> CgroupFs.read(state).strip().equals("THAWED"), TIMEOUT,
                    () -> state + " did not reach THAWED within " + TIMEOUT.toSeconds() + " s");
        }

        @Override
        public boolean frozen() {
            return CgroupFs.read(dir.resolve("freezer.state")).strip().equals("FROZEN");
        }
    }
}
