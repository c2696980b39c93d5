package dev.panamax.cgroup;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Kill-all without {@code cgroup.kill}: freeze so nobody forks while we look, SIGKILL every pid, thaw so the
 * signals are delivered, and repeat until the cgroup is empty. Without a freezer it still converges, just racier.
 */
record V1KillLoop(Supplier<List<Long>> pids, Freezer freezer) {

    void run(Duration timeout) {
        long self = ProcessHandle.current().pid();
        Poll.until(() -> {
            List<Long> now = pids.get();
            if (now.isEmpty()) {
                return true;
            }
            if (freezer != null) {
                freezer.freeze();
            }
            try {
                for (long pid : pids.get()) {
                    if (pid != self) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            } finally {
                if (freezer != null) {
                    freezer.thaw();
                }
            }
            return pids.get().isEmpty();
        }, timeout, () -> "processes " + pids.get() + " survived SIGKILL for " + timeout.toSeconds() + " s");
    }
}
