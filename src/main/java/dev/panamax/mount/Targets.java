package dev.panamax.mount;


import dev.panamax.spec.InvalidSpecException;

import java.util.ArrayList;
import java.util.List;

/** Rules for paths inside the container: absolute, no NUL, no {@code ..}; {@code //} and {@code .} collapse. */
final class Targets {
    private Targets() {
    }

    /** The normalized form of {@code path}, e.g. {@code /data//x/.} becomes {@code /data/x}. */
    static String normalize(String field, String path) {
        if (path == null || path.isEmpty()) {
            throw new InvalidSpecException(field, "is empty; give an absolute path in the container like /data");
        }
        if (!path.startsWith("/")) {
            throw new InvalidSpecException(field, "must be an absolute path in the container, got \"" + path + "\"");
        }
        if (path.indexOf('\0') >= 0) {
            throw new InvalidSpecException(field, "contains NUL");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new InvalidSpecException(field, "must not contain '..' components, got \"" + path + "\"");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new InvalidSpecException(field, "must not be / (the root is the rootfs itself)");
        }
        return "/" + String.join("/", parts);
    }
}
