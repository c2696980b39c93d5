package dev.panamax.cgroup;

import java.nio.file.Path;

/** This process's ids, read from /proc (no native call needed). */
final class ProcessIds {

    private ProcessIds() {
    }

    static long effectiveUid() {
        return CgroupFs.read(Path.of("/proc/self/status")).lines()
                .filter(line -> line.startsWith("Uid:"))
                .map(line -> Long.parseLong(line.split("\\s+")[2]))
                .findFirst().orElseThrow();
    }
}
