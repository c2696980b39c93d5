package dev.panamax.rootfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds programs the way a shell does: a name is looked up in each directory of a {@code PATH}
 * string in order, an absolute path is taken as it is.
 *
 * <pre>{@code
 * ProgramLocator host = ProgramLocator.fromEnvironment();
 * Path ls = host.locate("ls"); // /usr/bin/ls (or throws RootfsException naming PATH)
 * }</pre>
 *
 * @param path the search path, {@code :}-separated; empty entries mean the current directory
 *             to a shell and are skipped here, since a rootfs cannot hold "the current directory"
 */
record ProgramLocator(String path) {
    /** What {@code execvp} uses when {@code PATH} is unset. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    ProgramLocator {
        if (path == null) {
            throw new IllegalArgumentException("path must not be null");
        }
    }

    static ProgramLocator fromEnvironment() {
        String path = System.getenv("PATH");
        return new ProgramLocator(path == null || path.isBlank() ? DEFAULT_PATH : path);
    }

    /** The executable {@code program} names; throws {@link RootfsException} if there is none. */
    Path locate(String program) {
        validate(program);
        if (program.startsWith("/")) {
            Path p = Path.of(program);
            if (!Files.isRegularFile(p)) {
                throw new RootfsException("program " + program + " does not exist or is not a regular file or a directory");
            }
            return p;
        }
        return find(program).orElseThrow(() -> new RootfsException(
                "program \"" + program + "\" not found on PATH " + path));
    }

    /** The executable {@code name} on this path, if there is one. */
    Optional<Path> find(String name) {
        for (String dir : directories()) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private List<String> directories() {
        List<String> dirs = new ArrayList<>();
        for (String dir : path.split(":")) {
            if (dir.startsWith("/")) {
                dirs.add(dir);
            }
        }
        return dirs;
    }

    private static void validate(String program) {
        if (program == null || program.isEmpty()) {
            throw new IllegalArgumentException("program must be a non-empty name or absolute path, got "
                    + (program == null ? "null" : "\"\""));
        }
        if (!program.startsWith("/") && program.contains("/")) {
            throw new IllegalArgumentException("program \"" + program
                    + "\" must be a name searched on PATH or an absolute path, not a relative path");
        }
        if (program.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("program \"" + program.replace("\0", "\\0") + "\" contains NUL");
        }
    }
}
