package dev.panamax.rootfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A minimal root filesystem assembled from the host's own programs: no download, no image, works
 * on any glibc x86-64 Linux. Each program is copied with everything the dynamic loader will load
 * for it (found by reading the ELF headers in Java), at the same paths as on the host, plus the
 * usual directories and {@code /etc} files. A directory (an interpreter's library) is copied whole.
 *
 * <pre>{@code
 * Path rootfs = Rootfs.fromHost(Path.of("/var/tmp/myroot"), "sh", "ls", "/usr/sbin/ip");
 * Path python = Rootfs.fromHost(Path.of("/var/tmp/py"), "/usr/bin/python3", "/usr/lib/python3.11");
 * // or, the demo's shell and tools, built once:
 * Path demo = Rootfs.defaultRootfs(Path.of("target/rootfs"));
 * // chroot demo /bin/sh -c 'ls /; id -u'
 * }</pre>
 *
 * <p>Files are <b>copied, never hard-linked</b>, with their modes (a hard link would let a root
 * process in a container with a writable root modify the host's binary). Rebuilding into the same
 * directory only copies what changed on the host (size or modification time), so it is fast and
 * idempotent. Libraries loaded with {@code dlopen} (NSS modules other than {@code files}, gconv,
 * plugins) are not in the ELF headers and are not copied. The directory should not be writable by
 * untrusted users while it is being built.
 */
public final class Rootfs {
    /**
     * The programs of the default rootfs, in this order: a shell and the tools that show
     * isolation, each checked to work from a copy on Debian 12 (see {@code RootfsChrootTest}).
     * Those missing on a host are left out by {@link #defaultRootfs}; {@code sh} is required.
     */
    public static final List<String> DEFAULT_PROGRAMS = List.of("sh", "bash", "ls", "cat", "echo", "id",
            "hostname", "ps", "mount", "umount", "sleep", "true", "false", "env", "uname", "grep", "head",
            "tail", "wc", "mkdir", "touch", "rm", "readlink", "stat", "ip");

    private static final String MARKER = ".panamax-rootfs";

    private Rootfs() { }

    /**
     * Assembles a root filesystem in {@code dir} (created if absent) holding {@code programs}
     * (names searched on the host {@code PATH}, or absolute paths), their interpreters and
     * libraries, transitively, and the base layout: {@code /proc}, {@code /dev}, {@code /sys},
     * {@code /tmp} (1777), {@code /root}, and {@code /etc} with {@code passwd}, {@code group},
     * {@code hosts}, {@code hostname}, {@code nsswitch.conf}, {@code resolv.conf}.
     *
     * <p>An absolute path to a <b>directory</b> copies that directory with everything in it, such as
     * an interpreter's library ({@code Rootfs.fromHost(dir, "/usr/bin/python3", "/usr/lib/python3.11")}),
     * plus the libraries its ELF files (extension modules) need, as far as the host has them. Symlinks
     * in it are kept as symlinks, not followed. A rebuild makes the copy match the host's directory
     * again: changed files are copied, files the host no longer has are removed from the copy.
     *
     * @param dir      the rootfs directory, created if absent; relative paths are resolved against the
     *                 working directory
     * @param programs program names, absolute paths of programs, or absolute paths of directories
     * @return {@code dir} as its real path
     * @throws IllegalArgumentException if {@code dir} is {@code /} or an existing non-directory, a
     *                                  program is empty or a relative path, or a directory holds
     *                                  {@code dir} or lies in it
     * @throws RootfsException          if a program is not found, is not an x86-64 ELF object, or
     *                                  needs a library that cannot be found, or a directory holds
     *                                  something other than files, directories and symlinks; the
     *                                  message names it
     */
    public static Path fromHost(Path dir, String... programs) {
        Objects.requireNonNull(programs, "programs");
        return build(dir, Arrays.asList(programs), ProgramLocator.fromEnvironment(),
                LdCache.load(LdCache.SYSTEM)).dir();
    }

    /**
     * Builds the {@linkplain #defaultPrograms() default programs} into {@code cacheDir} unless a
     * previous call already did, and returns it. The programs are copied once; delete the
     * directory to pick up host upgrades.
     *
     * @param cacheDir the directory to build into or reuse
     * @return {@code cacheDir} as its real path
     * @throws RootfsException if the cache cannot be read or written, or as {@link #fromHost}
     */
    public static Path defaultRootfs(Path cacheDir) {
        List<String> programs = defaultPrograms();
        String stamp = String.join("\n", programs) + "\n";
        Path marker = Objects.requireNonNull(cacheDir, "cacheDir").resolve(MARKER);
        try {
            if (Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)
                    && Files.readString(marker, StandardCharsets.UTF_8).equals(stamp)) {
                return cacheDir.toRealPath();
            }
            Path dir = fromHost(cacheDir, programs.toArray(String[]::new));
            Files.writeString(dir.resolve(MARKER), stamp, StandardCharsets.UTF_8); // last: marks it complete
            return dir;
        } catch (IOException e) {
            throw new RootfsException("cannot use rootfs cache " + cacheDir + ": " + e, e);
        }
    }

    /**
     * {@return the {@link #DEFAULT_PROGRAMS} found on this host's {@code PATH}}
     *
     * @throws RootfsException if there is no {@code sh} on the {@code PATH}
     */
    public static List<String> defaultPrograms() {
        ProgramLocator host = ProgramLocator.fromEnvironment();
        List<String> found = new ArrayList<>();
        for (String program : DEFAULT_PROGRAMS) {
            if (host.find(program).isPresent()) {
                found.add(program);
            }
        }
        if (!found.contains("sh")) {
            throw new RootfsException("no sh on PATH " + host.path() + "; the default rootfs needs a shell");
        }
        return List.copyOf(found);
    }

    /** What one build did; for tests and measurements. */
    record Report(Path dir, List<Path> files, Map<Path, Path> aliases, long copiedFiles, long copiedBytes,
                  long keptFiles) { }

    static Report build(Path dir, List<String> programs, ProgramLocator locator, LdCache cache) {
        if (programs.isEmpty()) {
            throw new IllegalArgumentException("programs must name at least one program or directory");
        }
        Path root = prepare(dir);
        List<Path> located = new ArrayList<>();
        List<Path> trees = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            String program = programs.get(i);
            if (program == null) {
                throw new IllegalArgumentException("programs[" + i + "] is null");
            }
            if (program.startsWith("/") && Files.isDirectory(Path.of(program))) {
                trees.add(checkTree(Path.of(program), root));
            } else {
                located.add(locator.locate(program));
            }
        }
        // Resolve the programs before writing anything: a bad program leaves the directory untouched.
        LibraryResolver resolver = new LibraryResolver(cache, LibraryResolver.DEFAULT_DIRS);
        resolver.resolve(located);
        HostMirror mirror = new HostMirror(root);
        List<Path> modules = new ArrayList<>();
        for (Path tree : trees) { // first: a tree is mirrored exactly, which would remove the aliases below
            mirror.tree(tree, file -> {
                if (Elf.isCompatible(file)) {
                    modules.add(file);
                }
            });
        }
        LibraryResolver.Closure closure = resolver.resolve(located, modules);
        BaseLayout.write(mirror);
        for (Path file : closure.files()) {
            mirror.install(file);
        }
        closure.aliases().forEach((alias, library) -> {
            mirror.install(alias.getParent());
            mirror.symlink(mirror.inside(alias), library);
        });
        return new Report(root, closure.files(), closure.aliases(), mirror.copiedFiles(), mirror.copiedBytes(),
                mirror.keptFiles());
    }

    /** {@code tree}, unless it holds the rootfs or lies in it (a copy that would copy itself). */
    private static Path checkTree(Path tree, Path root) {
        Path real;
        try {
            real = tree.toRealPath();
        } catch (IOException e) {
            throw new RootfsException("cannot resolve directory " + tree + ": " + e, e);
        }
        if (root.startsWith(real) || real.startsWith(root)) {
            throw new IllegalArgumentException("directory " + tree + " " + (root.startsWith(real) ? "holds" : "is in")
                    + " the rootfs " + root + ": it would be copied into itself");
        }
        return tree;
    }

    private static Path prepare(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            throw new IllegalArgumentException("dir must not be / (the host's root): " + dir);
        }
        try {
            if (Files.exists(abs) && !Files.isDirectory(abs)) {
                throw new IllegalArgumentException("dir " + dir + " exists and is not a directory");
            }
            Files.createDirectories(abs);
            Path real = abs.toRealPath();
            if (real.getParent() == null) {
                throw new IllegalArgumentException("dir " + dir + " resolves to / (the host's root)");
            }
            return real;
        } catch (IOException e) {
            throw new RootfsException("cannot create rootfs directory " + dir + ": " + e, e);
        }
    }
}
