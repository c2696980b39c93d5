package dev.panamax.oci;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One hook of {@code config.json}: a program the runtime runs at a point of the container's lifecycle, with
 * the container's state on its standard input.
 *
 * @param path    the program, an absolute path in the runtime's namespace
 * @param args    its argv, argv[0] included (may be empty: then {@code path})
 * @param env     its environment, {@code NAME=VALUE} entries
 * @param timeout seconds after which the runtime gives up on it, or empty for none
 */
public record OciHook(String path, List<String> args, List<String> env, OptionalInt timeout) {

    /** When a hook runs, in the runtime-spec's order. */
    public enum Point {
        /** Deprecated: after the namespaces are made, before pivot_root, in the runtime's namespace. */
        PRESTART("prestart"),
        /** After the namespaces are made, before pivot_root, in the runtime's namespace. */
        CREATE_RUNTIME("createRuntime"),
        /** After the namespaces are made, before pivot_root, in the container's namespace. */
        CREATE_CONTAINER("createContainer"),
        /** At start, before the user's program runs, in the container's namespace. */
        START_CONTAINER("startContainer"),
        /** After the user's program started, in the runtime's namespace. */
        POSTSTART("poststart"),
        /** After the container is deleted, in the runtime's namespace. */
        POSTSTOP("poststop");

        private final String field;

        Point(String field) {
            this.field = field;
        }

        /** {@return the field of {@code hooks} that lists the hooks of this point, e.g. {@code createRuntime}} */
        public String field() {
            return field;
        }
    }

    /**
     * Copies the lists and checks the timeout.
     *
     * @throws IllegalArgumentException for a relative path or a timeout that is not positive
     */
    public OciHook {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a hook's path must be absolute, got \"" + path + "\"");
        }
        args = List.copyOf(args);
        env = List.copyOf(env);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isPresent() && timeout.getAsInt() <= 0) {
            throw new IllegalArgumentException("a hook's timeout must be positive, got " + timeout.getAsInt());
        }
    }
}
