package dev.panamax.cgroup;

import java.util.regex.Pattern;

/**
 * Where a container's cgroup goes: a path {@code relative} below a {@code parent} cgroup that the runtime owns
 * (for root {@link CgroupManager#DEFAULT_PARENT}), the same in every hierarchy. {@link #path()} is the cgroup's
 * path from each hierarchy's root, for example {@code /panamax/default/web} (under
 * {@code /sys/fs/cgroup/memory/panamax/default/web} on a v1 host, {@code /sys/fs/cgroup/panamax/default/web} on
 * a v2 one).
 *
 * <p>{@link #of} reads an OCI {@code linux.cgroupsPath}: a path that already starts with the parent (such as
 * {@code /panamax/ID}) is taken as it is; any other path, absolute ({@code /machine.slice/x}) or relative
 * ({@code default/ID}), goes below the parent ({@code /panamax/machine.slice/x}, {@code /panamax/default/ID}).
 * Nothing is ever made outside the parent: that is this runtime's reading of the spec's "the runtime MAY
 * interpret the path relative to a runtime-determined location", also for absolute paths.
 *
 * @param parent   the owning parent's path from the hierarchy root, absolute, such as {@code /panamax}
 * @param relative the cgroup's path below the parent, one or more components separated by {@code /}
 */
public record CgroupPath(String parent, String relative) {
    /** One path component: no white space, colon or NUL; not {@code .} or {@code ..} (checked apart). */
    private static final Pattern COMPONENT = Pattern.compile("[^/\\s:\\x00]{1,255}");

    /**
     * Checks both parts.
     *
     * @throws IllegalArgumentException naming the part and the rule it breaks
     */
    public CgroupPath {
        if (parent == null || !parent.startsWith("/")) {
            throw new IllegalArgumentException("cgroup parent: must be an absolute cgroup path like /panamax, got "
                    + parent);
        }
        if (!parent.equals("/")) {
            components("cgroup parent", parent.substring(1));
        }
        if (relative == null || relative.isEmpty()) {
            throw new IllegalArgumentException("cgroupsPath: must name a cgroup below the parent " + parent);
        }
        components("cgroupsPath", relative);
    }

    /**
     * Places an OCI {@code cgroupsPath} below {@code parent}, as the class comment says.
     *
     * @param parent      the runtime's parent cgroup, such as {@code /panamax}
     * @param cgroupsPath the requested path: absolute or relative, no {@code .} or {@code ..} components, no empty
     *                    component ({@code //}), no white space, colon (the systemd form {@code slice:prefix:name}
     *                    is not supported) or NUL; a trailing {@code /} is ignored
     * @return where the cgroup goes
     * @throws IllegalArgumentException naming {@code cgroupsPath} and the rule it breaks
     */
    public static CgroupPath of(String parent, String cgroupsPath) {
        if (cgroupsPath == null || cgroupsPath.isEmpty() || cgroupsPath.equals("/")) {
            throw new IllegalArgumentException("cgroupsPath: must name a cgroup, got \"" + cgroupsPath + "\"");
        }
        if (cgroupsPath.contains(":")) {
            throw new IllegalArgumentException("cgroupsPath: the systemd form slice:prefix:name is not supported "
                    + "(colon in \"" + cgroupsPath + "\"); give a cgroupfs path such as /panamax/ID");
        }
        String path = cgroupsPath.length() > 1 && cgroupsPath.endsWith("/")
                ? cgroupsPath.substring(0, cgroupsPath.length() - 1) : cgroupsPath;
        String below = parent.equals("/") ? "/" : parent + "/";
        if (path.equals(parent)) {
            throw new IllegalArgumentException("cgroupsPath: must be below the runtime's parent " + parent
                    + ", not the parent itself");
        }
        String relative = path.startsWith(below) ? path.substring(below.length())
                : path.startsWith("/") ? path.substring(1) : path;
        return new CgroupPath(parent, relative);
    }

    /** {@return the cgroup's path from each hierarchy root: the parent, then the relative part} */
    public String path() {
        return (parent.equals("/") ? "" : parent) + "/" + relative;
    }

    /** {@return the directories between the parent and the cgroup, nearest the parent first (may be none)} */
    java.util.List<String> intermediates() {
        java.util.List<String> between = new java.util.ArrayList<>();
        String[] parts = relative.split("/");
        StringBuilder p = new StringBuilder(parent.equals("/") ? "" : parent);
        for (int i = 0; i < parts.length - 1; i++) {
            p.append('/').append(parts[i]);
            between.add(p.toString());
        }
        return between;
    }

    /** {@return the last component: the cgroup's directory name} */
    String name() {
        return relative.substring(relative.lastIndexOf('/') + 1);
    }

    private static void components(String what, String path) {
        for (String c : path.split("/", -1)) {
            if (c.equals(".") || c.equals("..")) {
                throw new IllegalArgumentException(what + ": must not contain a \"" + c + "\" component, got \""
                        + path + "\"");
            }
            if (!COMPONENT.matcher(c).matches()) {
                throw new IllegalArgumentException(what + ": each component must be 1-255 characters without "
                        + "white space, colon or NUL (no empty component, as in //), got \"" + path + "\"");
            }
        }
    }

    @Override
    public String toString() {
        return path();
    }
}
