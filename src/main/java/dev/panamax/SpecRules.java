package dev.panamax;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a spec's own fields, one method per field, each failure naming the field: the process's in
 * {@link ProcessSpec}'s constructor, the container's in {@link ContainerSpec}'s.
 */
final class SpecRules {
    private SpecRules() {
    }

    /** The container's rootfs and UTS names, against its namespaces. */
    static void checkContainer(Set<Namespace> ns, Optional<Path> rootfs, Optional<String> hostname,
                               Optional<String> domainname) {
        rootfs.ifPresent(dir -> checkRootfs(ns, dir));
        hostname.ifPresent(name -> checkUtsName("hostname", name, ns));
        domainname.ifPresent(name -> checkUtsName("domainname", name, ns));
    }

    static void checkWorkingDirectory(String cwd) {
        if (cwd == null || !cwd.startsWith("/") || cwd.indexOf('\0') >= 0) {
            throw new InvalidSpecException("workingDirectory", "must be an absolute path without NUL, got " + cwd);
        }
        checkUnicode("workingDirectory", cwd);
    }

    private static void checkRootfs(Set<Namespace> ns, Path rootfs) {
        if (!ns.contains(Namespace.MOUNT)) {
            throw new InvalidSpecException("rootfs", "entering a rootfs needs a mount namespace");
        }
        if (!Files.exists(rootfs)) {
            throw new InvalidSpecException("rootfs", "no such directory: " + rootfs);
        }
        if (!Files.isDirectory(rootfs)) {
            throw new InvalidSpecException("rootfs", "not a directory: " + rootfs);
        }
        try {
            if (rootfs.toRealPath().getNameCount() == 0) {
                throw new InvalidSpecException("rootfs", "the host's / cannot be a container's rootfs: " + rootfs);
            }
        } catch (java.io.IOException e) {
            throw new InvalidSpecException("rootfs", "cannot resolve " + rootfs + ": " + e.getMessage());
        }
    }

    static void checkArgv(List<String> argv) {
        if (argv.isEmpty()) {
            throw new InvalidSpecException("command", "must name a program (argv is empty)");
        }
        if (argv.getFirst() == null || argv.getFirst().isEmpty()) {
            throw new InvalidSpecException("command[0]", "the program name is empty");
        }
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i) == null || argv.get(i).indexOf('\0') >= 0) {
                throw new InvalidSpecException("command[" + i + "]", "null or contains NUL");
            }
            checkUnicode("command[" + i + "]", argv.get(i));
        }
    }

    static void checkEnv(String key, String value) {
        if (key == null || key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
            throw new InvalidSpecException("environment[" + key + "]",
                    "a variable name must be non-empty without '=' or NUL");
        }
        if (value == null || value.indexOf('\0') >= 0) {
            throw new InvalidSpecException("environment[" + key + "]", "the value is null or contains NUL");
        }
        checkUnicode("environment[" + key + "]", key);
        checkUnicode("environment[" + key + "]", value);
    }

    /**
     * Rejects a string that UTF-8 cannot encode: a lone UTF-16 surrogate would silently become '?' on its way
     * to the kernel. The message names the position, never the text (an environment value may be a secret).
     */
    static void checkUnicode(String field, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidSpecException(field, String.format("is not valid Unicode: a lone surrogate U+%04X"
                        + " at index %d, which UTF-8 cannot encode", (int) c, i));
            }
        }
    }

    private static void checkUtsName(String field, String name, Set<Namespace> ns) {
        if (!ns.contains(Namespace.UTS)) {
            throw new InvalidSpecException(field, "setting it needs a UTS namespace (Namespace.UTS)");
        }
        if (name.indexOf('\0') >= 0) {
            throw new InvalidSpecException(field, "contains NUL");
        }
        checkUnicode(field, name); // first: a lone surrogate would count as one byte ('?') below
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ContainerSpec.MAX_UTS_NAME) {
            throw new InvalidSpecException(field, "is " + bytes + " bytes, the kernel allows " + ContainerSpec.MAX_UTS_NAME);
        }
    }
}
