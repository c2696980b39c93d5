package dev.panamax.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container cgroups a dead JVM left behind: a JVM killed by SIGKILL, the OOM killer or a power loss runs
 * no cleanup, and its containers' cgroups ({@code c<jvm pid>-<n>}) stay in every hierarchy. The first
 * launch with a cgroup in each JVM removes those whose owner is gone, under the parent it uses.
 *
 * <p>The owner is gone when no process has its pid, or when the process with that pid started after the
 * cgroup was made (the pid was reused). The rule for what a sweep removes: <b>only an empty cgroup</b>. It never
 * kills and never reads {@code cgroup.procs} first: it calls {@code rmdir}, which the kernel refuses (EBUSY)
 * for a cgroup that holds a process or a child cgroup, atomically, so a cgroup with a live container (one
 * launched with {@code dieWithParent(false)}, or made by {@code Launcher.create}, whose JVM may exit before it
 * is even started) always stays, in every hierarchy. Nothing outside the parent, nothing deeper than its direct
 * children, and nothing not named like a container cgroup ({@code c<pid>-<n>}: not a caller's cgroupsPath) is
 * touched.
 */
final class OrphanedCgroups {
    private static final Pattern NAME = Pattern.compile("c(\\d+)-\\d+");

    private OrphanedCgroups() {
    }

    /** Removes the orphans directly under {@code parentDir}; returns those removed. */
    static List<Path> sweep(Path parentDir) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parentDir)) {
            for (Path dir : children) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (m.matches() && Files.isDirectory(dir) && ownerGone(Long.parseLong(m.group(1)), dir)) {
                    try {
                        if (CgroupFs.rmdir(dir)) { // EBUSY (false) while a process is in it: it stays
                            removed.add(dir);
                        }
                    } catch (CgroupException notOurs) {
                        // not removable by us (permissions): leave it, as any cgroup we cannot vouch for
                    }
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // a parent that cannot be listed has nothing we could remove
        }
        return removed;
    }

    private static boolean ownerGone(long pid, Path cgroup) throws IOException {
        if (pid == ProcessHandle.current().pid()) {
            return false;
        }
        long made = Files.getLastModifiedTime(cgroup).toMillis();
        return ProcessHandle.of(pid)
                .map(p -> p.info().startInstant().map(started -> started.toEpochMilli() > made + 1000).orElse(false))
                .orElse(true);
    }
}
