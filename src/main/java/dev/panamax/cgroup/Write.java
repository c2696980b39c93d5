package dev.panamax.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One value for one cgroup file: the unit of what a driver does with {@link Resources}.
 *
 * @param files the file, or alternatives in order of preference where kernels differ (the first that exists is written)
 * @param value what is written
 */
record Write(List<String> files, String value) {

    Write {
        files = List.copyOf(files);
    }

    static Write of(String file, Object value) {
        return new Write(List.of(file), String.valueOf(value));
    }

    void applyTo(Path dir) {
        for (String file : files) {
            if (Files.exists(dir.resolve(file)) || file.equals(files.getLast())) {
                CgroupFs.write(dir.resolve(file), value);
                return;
            }
        }
    }

    @Override
    public String toString() {
        return String.join("|", files) + " = " + value;
    }
}
