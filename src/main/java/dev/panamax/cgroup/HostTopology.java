package dev.panamax.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What the running host offers, used to validate {@link Resources} before anything is written. */
final class HostTopology {

    private HostTopology() {
    }

    static BitSet onlineCpus() {
        return list("/sys/devices/system/cpu/online", "0");
    }

    /** Memory nodes; a kernel without NUMA has no node directory and exactly node 0. */
    static BitSet onlineMems() {
        return list("/sys/devices/system/node/online", "0");
    }

    /** Huge page sizes in bytes, from {@code /sys/kernel/mm/hugepages/hugepages-2048kB} and its siblings. */
    static TreeSet<Long> hugePageSizes() {
        TreeSet<Long> sizes = new TreeSet<>();
        Path dir = Path.of("/sys/kernel/mm/hugepages");
        if (!Files.isDirectory(dir)) {
            return sizes;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.startsWith("hugepages-") && name.endsWith("kB")) {
                    sizes.add(Long.parseLong(name.substring(10, name.length() - 2)) * 1024);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
        return sizes;
    }

    /** The kernel's name for a huge page size in cgroup file names: "2MB", "1GB", "64KB". */
    static String hugePageName(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        return (bytes >> 10) + "KB";
    }

    private static BitSet list(String file, String fallback) {
        Path path = Path.of(file);
        try {
            String text = Files.exists(path) ? Files.readString(path).strip() : fallback;
            return IdList.parse(file, text.isEmpty() ? fallback : text);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    static List<String> hugePageNames() {
        return hugePageSizes().stream().map(HostTopology::hugePageName).toList();
    }
}
