package dev.panamax;

import dev.panamax.spec.InvalidSpecException;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a container takes from an image: its unpacked layer directories, stacked by an overlay whose upper
 * layer belongs to the one container, and its config's defaults, which the builder's own calls override.
 * {@code dev.panamax.image.Image} makes one from an image in an {@code ImageStore}; a caller may also build one
 * from directories of its own. Used by {@code ContainerSpec.Builder.image(ContainerImage)}.
 *
 * <pre>{@code
 * ContainerImage alpine = store.image(ImageReference.parse("alpine:3.20")).root();
 * ContainerSpec.builder().image(alpine).args("echo", "hi").build();   // Entrypoint + these args
 * }</pre>
 *
 * @param name       how messages name the image (e.g. {@code docker.io/library/alpine:3.20})
 * @param layers     the read-only layer directories, bottom first, absolute (one at least, at most
 *                   {@link #MAX_LAYERS})
 * @param userXattr  the layers' overlay attributes (opaque directories) are {@code user.overlay.*} (layers
 *                   unpacked without root): the overlay is mounted with {@code userxattr}
 * @param entrypoint the config's {@code Entrypoint}
 * @param cmd        the config's {@code Cmd} (replaced by {@code ContainerSpec.Builder.args})
 * @param env        the config's {@code Env}, {@code KEY=VALUE} each
 * @param workingDir the config's {@code WorkingDir}, absolute, or empty
 * @param user       the config's {@code User} resolved to ids through the image's {@code /etc/passwd} and
 *                   {@code /etc/group}, or empty for root
 * @param stopSignal the config's {@code StopSignal} as a signal number, or empty for SIGTERM
 * @param pins       files, absolute, that each container launched from the image holds a shared {@code flock(2)}
 *                   on from before its overlay is mounted until it is closed, so that whoever owns the layers
 *                   can tell they are in use (an {@code ImageStore}'s {@code pins/HEX}, one per layer; its
 *                   {@code prune()} spares a layer whose pin is held); empty for an image made by hand
 */
public record ContainerImage(String name, List<Path> layers, boolean userXattr, List<String> entrypoint,
                             List<String> cmd, List<String> env, Optional<String> workingDir,
                             Optional<ProcessIdentity> user, Optional<Integer> stopSignal, List<Path> pins) {

    /** The most layers one overlay stacks (the kernel's {@code OVL_MAX_STACK}). */
    public static final int MAX_LAYERS = 500;

    /**
     * Copies the lists and checks the layers, the environment and the working directory.
     *
     * @throws InvalidSpecException ({@code image.*}) naming the field and the rule
     */
    public ContainerImage {
        Objects.requireNonNull(name, "name");
        layers = List.copyOf(layers);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(stopSignal, "stopSignal");
        pins = List.copyOf(pins);
        if (layers.isEmpty()) {
            throw new InvalidSpecException("image.layers", "image " + name + " has no layer");
        }
        if (layers.size() > MAX_LAYERS) {
            throw new InvalidSpecException("image.layers", "image " + name + " has " + layers.size()
                    + " layers; one overlay stacks at most " + MAX_LAYERS);
        }
        for (int i = 0; i < layers.size(); i++) {
            Path layer = layers.get(i);
            if (!layer.isAbsolute()) {
                throw new InvalidSpecException("image.layers[" + i + "]", "must be absolute: " + layer);
            }
            String s = layer.toString();
            if (s.indexOf(',') >= 0 || s.indexOf(':') >= 0 || s.indexOf('\\') >= 0) {
                throw new InvalidSpecException("image.layers[" + i + "]",
                        "an overlay layer path may not hold ',', ':' or '\\': " + layer);
            }
        }
        for (int i = 0; i < pins.size(); i++) {
            if (!pins.get(i).isAbsolute()) {
                throw new InvalidSpecException("image.pins[" + i + "]", "must be absolute: " + pins.get(i));
            }
        }
        for (int i = 0; i < env.size(); i++) {
            String kv = env.get(i);
            int eq = kv.indexOf('=');
            if (eq <= 0) {   // never the value in the message: it may be a secret
                throw new InvalidSpecException("image.env[" + i + "]", "must be KEY=VALUE");
            }
        }
        workingDir.ifPresent(dir -> {
            if (!dir.startsWith("/")) {
                throw new InvalidSpecException("image.workingDir", "must be absolute: " + dir);
            }
        });
        stopSignal.ifPresent(sig -> {
            if (sig < 1 || sig > 64) {
                throw new InvalidSpecException("image.stopSignal", "not a signal number: " + sig);
            }
        });
    }

    /**
     * An image without pins (its layers are the caller's own).
     *
     * @param name       how messages name the image
     * @param layers     the read-only layer directories, bottom first, absolute
     * @param userXattr  the layers' overlay attributes are {@code user.overlay.*}
     * @param entrypoint the config's {@code Entrypoint}
     * @param cmd        the config's {@code Cmd}
     * @param env        the config's {@code Env}
     * @param workingDir the config's {@code WorkingDir}, or empty
     * @param user       the config's {@code User} as ids, or empty for root
     * @param stopSignal the config's {@code StopSignal}, or empty for SIGTERM
     * @throws InvalidSpecException ({@code image.*}) naming the field and the rule
     */
    public ContainerImage(String name, List<Path> layers, boolean userXattr, List<String> entrypoint,
                          List<String> cmd, List<String> env, Optional<String> workingDir,
                          Optional<ProcessIdentity> user, Optional<Integer> stopSignal) {
        this(name, layers, userXattr, entrypoint, cmd, env, workingDir, user, stopSignal, List.of());
    }

    /** {@return the command the image runs by default: {@code Entrypoint} followed by {@code Cmd}} */
    public List<String> defaultCommand() {
        return java.util.stream.Stream.concat(entrypoint.stream(), cmd.stream()).toList();
    }
}
