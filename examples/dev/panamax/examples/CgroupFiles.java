package dev.panamax.examples;

import dev.panamax.cgroup.DataSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Demo's view of cgroup limits: a process's {@code /proc/PID/cgroup} text, resolved against this host's
 * {@code /sys/fs/cgroup} (v1 controllers, or v2 at the top or under {@code unified}), read as the kernel has them.
 *
 * <pre>{@code
 * Map<String, String> l = CgroupFiles.limits(Files.readString(Path.of("/proc/self/cgroup")));
 * l.get("memory");   // "64 MiB" or "unlimited"
 * }</pre>
 */
final class CgroupFiles {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final long UNLIMITED_V1 = 1L << 62; // v1 reports "no limit" as a huge page-rounded number

    private CgroupFiles() {
    }

    /** Keys {@code cgroup} (the memory cgroup's path), {@code memory} and {@code pids}. */
    static Map<String, String> limits(String procCgroup) {
        Map<String, String> v1 = new LinkedHashMap<>();
        String v2 = null;
        for (String line : procCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[1].isEmpty()) {
                v2 = f[2];
            }
            for (String controller : f[1].split(",")) {
                v1.put(controller, f[2]);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("cgroup", v1.getOrDefault("memory", v2 == null ? "?" : v2));
        out.put("memory", file(v1.get("memory"), "memory", "memory.limit_in_bytes", v2, "memory.max")
                .map(CgroupFiles::bytes).orElse("none"));
        out.put("pids", file(v1.get("pids"), "pids", "pids.max", v2, "pids.max").orElse("none"));
        return out;
    }

    private static Optional<String> file(String v1Path, String controller, String v1File, String v2Path, String v2File) {
        if (v1Path != null) {
            Optional<String> v = read(ROOT.resolve(controller).resolve(rel(v1Path)).resolve(v1File));
            if (v.isPresent()) {
                return v;
            }
        }
        if (v2Path != null) {
            for (Path base : new Path[] {ROOT, ROOT.resolve("unified")}) {
                Optional<String> v = read(base.resolve(rel(v2Path)).resolve(v2File));
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private static String rel(String cgroupPath) {
        return cgroupPath.replaceFirst("^/+", "");
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (IOException absent) {
            return Optional.empty();
        }
    }

    private static String bytes(String value) {
        if (value.equals("max")) {
            return "unlimited";
        }
        long n = Long.parseLong(value);
        return n >= UNLIMITED_V1 ? "unlimited" : DataSize.ofBytes(n).toString();
    }
}
