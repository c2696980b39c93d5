package dev.panamax.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * Computes everything a set of programs needs to run, as glibc's loader would find it: the
 * {@code PT_INTERP} of each program, then each {@code DT_NEEDED} name searched in the needing
 * object's {@code DT_RPATH} (and the program's, when the object has no {@code DT_RUNPATH}), its
 * {@code DT_RUNPATH}, {@code /etc/ld.so.cache}, and the default directories, transitively.
 * {@code $ORIGIN}, {@code $LIB} and {@code $PLATFORM} are expanded; {@code LD_LIBRARY_PATH} is
 * ignored on purpose, since the container does not inherit it. Libraries opened with
 * {@code dlopen} at run time are not visible in the ELF headers and are not found.
 *
 * <pre>{@code
 * var resolver = new LibraryResolver(LdCache.load(LdCache.SYSTEM), LibraryResolver.DEFAULT_DIRS);
 * LibraryResolver.Closure c = resolver.resolve(List.of(Path.of("/usr/bin/ls")));
 * c.files();   // [/usr/bin/ls, /lib64/ld-linux-x86-64.so.2, /lib/x86_64-linux-gnu/libselinux.so.1, ...]
 * }</pre>
 */
final class LibraryResolver {
    /** The x86-64 loaders' built-in search directories across distributions, in search order. */
    static final List<Path> DEFAULT_DIRS = List.of(Path.of("/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib64"), Path.of("/usr/lib64"),
            Path.of("/lib"), Path.of("/usr/lib"));

    private final LdCache cache;
    private final List<Path> defaultDirs;

    LibraryResolver(LdCache cache, List<Path> defaultDirs) {
        this.cache = cache;
        this.defaultDirs = List.copyOf(defaultDirs);
    }

    /**
     * The result of a resolution.
     *
     * @param files   every program, interpreter and library, as the loader names them (symlinks kept)
     * @param aliases libraries found only through {@code ld.so.cache}, in a directory the loader
     *                does not search by default: a copied rootfs has no such cache, so each needs a
     *                link from a default directory (key) to the library (value)
     */
    record Closure(List<Path> files, Map<Path, Path> aliases) {
        Closure {
            files = List.copyOf(files);
            aliases = Map.copyOf(aliases);
        }
    }

    /** Resolves {@code programs} (existing files) and everything they need. */
    Closure resolve(List<Path> programs) {
        return resolve(programs, List.of());
    }

    /**
     * Resolves {@code programs} and everything they need, then what {@code modules} (ELF objects found in
     * a copied directory, such as an interpreter's extension modules) need, as far as the host has it: a
     * module the host itself could not load (a library it lacks) fails in the container as it would on
     * the host, when it is loaded, not when the rootfs is built.
     */
    Closure resolve(List<Path> programs, List<Path> modules) {
        SequencedSet<Path> files = new LinkedHashSet<>();
        Map<Path, Path> aliases = new LinkedHashMap<>();
        Deque<Loaded> work = new ArrayDeque<>();
        List<Path> all = new ArrayList<>(programs);
        all.addAll(modules);
        for (int i = 0; i < all.size(); i++) {
            Path program = all.get(i);
            boolean required = i < programs.size();
            Elf elf = Elf.read(program);
            Loaded exe = new Loaded(program, elf, origin(program, true), null);
            if (files.add(program)) {
                work.add(exe);
            }
            elf.interpreter().map(Path::of).ifPresent(interp -> {
                if (!Files.isRegularFile(interp)) {
                    throw new RootfsException("interpreter " + interp + " of " + program + " does not exist");
                }
                if (files.add(interp)) {
                    work.add(new Loaded(interp, Elf.read(interp), origin(interp, false), null));
                }
            });
            while (!work.isEmpty()) {
                Loaded obj = work.poll();
                for (String name : obj.elf.needed()) {
                    Optional<Found> lookup = find(name, obj, exe, required);
                    if (lookup.isEmpty()) {
                        continue;
                    }
                    Found found = lookup.get();
                    if (found.viaCacheOnly) {
                        aliases.putIfAbsent(aliasDir().resolve(name), found.path);
                    }
                    if (files.add(found.path)) {
                        work.add(new Loaded(found.path, Elf.read(found.path), origin(found.path, false), exe));
                    }
                }
            }
        }
        return new Closure(new ArrayList<>(files), aliases);
    }

    /** Where the loader finds {@code name} for {@code obj}; empty (when not {@code required}) or thrown if nowhere. */
    private Optional<Found> find(String name, Loaded obj, Loaded exe, boolean required) {
        try {
            return Optional.of(find(name, obj, exe));
        } catch (RootfsException notFound) {
            if (required) {
                throw notFound;
            }
            return Optional.empty();
        }
    }

    private Found find(String name, Loaded obj, Loaded exe) {
        if (name.contains("/")) {
            Path p = obj.origin.resolve(name);
            if (usable(p)) {
                return new Found(p, false);
            }
            throw new RootfsException("library " + name + " needed by " + obj.path + " not found at " + p);
        }
        List<Path> searched = new ArrayList<>();
        if (obj.elf.runpath().isEmpty()) {
            searched.addAll(expand(obj.elf.rpath(), obj.origin));
            if (obj.exe != null && exe.elf.runpath().isEmpty()) {
                searched.addAll(expand(exe.elf.rpath(), exe.origin));
            }
        }
        searched.addAll(expand(obj.elf.runpath(), obj.origin));
        Optional<Path> hit = firstIn(searched, name);
        if (hit.isPresent()) {
            return new Found(hit.get(), false);
        }
        Optional<Path> cached = cache.lookup(name).filter(LibraryResolver::usable);
        if (cached.isPresent()) {
            return new Found(cached.get(), !defaultDirs.contains(cached.get().getParent()));
        }
        searched.addAll(defaultDirs);
        return firstIn(defaultDirs, name).map(p -> new Found(p, false)).orElseThrow(() -> new RootfsException(
                "library " + name + " needed by " + obj.path + " not found; searched " + searched
                        + " and " + cache));
    }

    private static Optional<Path> firstIn(List<Path> dirs, String name) {
        return dirs.stream().map(d -> d.resolve(name)).filter(LibraryResolver::usable).findFirst();
    }

    /** The loader skips files of another class or machine and keeps searching; so does this. */
    private static boolean usable(Path p) {
        return Files.isRegularFile(p) && Elf.isCompatible(p);
    }

    private Path aliasDir() {
        return defaultDirs.stream().filter(Files::isDirectory).findFirst().orElse(defaultDirs.getFirst());
    }

    static List<Path> expand(List<String> dirs, Path origin) {
        String lib = Files.isDirectory(Path.of("/lib/x86_64-linux-gnu")) ? "lib/x86_64-linux-gnu" : "lib64";
        List<Path> out = new ArrayList<>();
        for (String dir : dirs) {
            String d = dir.replace("${ORIGIN}", origin.toString()).replace("$ORIGIN", origin.toString())
                    .replace("${LIB}", lib).replace("$LIB", lib)
                    .replace("${PLATFORM}", "x86_64").replace("$PLATFORM", "x86_64");
            if (d.startsWith("/")) { // the loader ignores relative entries in a setuid-safe way; so do we
                out.add(Path.of(d).normalize());
            }
        }
        return out;
    }

    /** {@code $ORIGIN}: the program's real directory (the kernel resolves it), a library's as named. */
    private static Path origin(Path file, boolean program) {
        try {
            Path abs = program ? file.toRealPath() : file.toAbsolutePath();
            return abs.getParent();
        } catch (IOException e) {
            throw new RootfsException("cannot resolve " + file + ": " + e.getMessage(), e);
        }
    }

    private record Loaded(Path path, Elf elf, Path origin, Loaded exe) { }

    private record Found(Path path, boolean viaCacheOnly) { }
}
