package dev.panamax.image;

import dev.panamax.ContainerImage;
import dev.panamax.spec.InvalidSpecException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image of an {@link ImageStore}, its layers unpacked: its config, and {@link #root()}, what a container takes
 * from it.
 *
 * <pre>{@code
 * ContainerImage alpine = store.image(ImageReference.parse("alpine:3.20")).root();
 * }</pre>
 */
public final class Image {
    private final ImageRecord record;
    private final ImageConfig config;
    private final List<Digest> digests;
    private final List<Path> layers;
    private final List<Boolean> rootless;
    private final Map<Digest, List<String>> notes;
    private final List<Path> pins;

    /**
     * An image whose layers (digests, directories, forms and pin files, bottom first) are unpacked, their unpack
     * notes.
     */
    Image(ImageRecord record, ImageConfig config, List<Digest> digests, List<Path> layers, List<Boolean> rootless,
            Map<Digest, List<String>> notes, List<Path> pins) {
        this.record = record;
        this.config = config;
        this.digests = List.copyOf(digests);
        this.layers = List.copyOf(layers);
        this.rootless = List.copyOf(rootless);
        this.notes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notes));
        this.pins = List.copyOf(pins);
    }

    /**
     * The reference the image is stored under.
     *
     * @return the reference
     */
    public ImageReference reference() {
        return record.reference();
    }

    /**
     * The store's record of the image.
     *
     * @return the reference and the manifest's digest
     */
    public ImageRecord record() {
        return record;
    }

    /**
     * The image's config.
     *
     * @return the config
     */
    public ImageConfig config() {
        return config;
    }

    /**
     * The config's {@code Labels}.
     *
     * @return the labels
     */
    public Map<String, String> labels() {
        return config.labels();
    }

    /**
     * The config's {@code ExposedPorts}.
     *
     * @return the ports, e.g. {@code 80/tcp}
     */
    public List<String> exposedPorts() {
        return config.exposedPorts();
    }

    /**
     * The config's {@code StopSignal} as a number: {@code SIGTERM}, {@code TERM}, {@code term}, {@code 15},
     * {@code SIGRTMIN+3} as docker reads them (Linux's numbers, the same on x86-64 and arm64).
     *
     * @return the signal number, or empty if the config names none
     * @throws InvalidSpecException ({@code image.stopSignal}) naming the image and the value if it is no signal
     */
    public Optional<Integer> stopSignal() {
        return StopSignal.parse(name(), config.stopSignal());
    }

    /**
     * The unpacked layer directories, bottom first.
     *
     * @return the directories
     */
    public List<Path> layers() {
        return layers;
    }

    /**
     * What unpacking the layers skipped or dropped ({@link ImageStore#unpackNotes}), e.g. {@code skipped device
     * node dev/null (1:3): rootless}: the image's content a container of it does not see.
     *
     * @return the notes by layer digest, bottom layer first, only layers with notes; unmodifiable
     */
    public Map<Digest, List<String>> unpackNotes() {
        return notes;
    }

    /**
     * What a container takes from the image: its layers, whether their overlay attributes are in the rootless form
     * (the store records how it unpacked each layer), {@code Entrypoint}, {@code Cmd}, {@code Env}, {@code WorkingDir},
     * {@code User} resolved to ids through the image's own {@code /etc/passwd} and {@code /etc/group} (read in the
     * layer stack, never the host's, no symlink followed), the stop signal, and the layers' pins (each launch holds
     * them while its container runs, so the store's {@code prune()} spares the layers).
     *
     * @return the record for {@code ContainerSpec.Builder.image}
     * @throws InvalidSpecException ({@code image.*}) naming the image and the field: a relative {@code WorkingDir},
     *                              an unknown user or group, an unknown stop signal, no layer, a bad {@code Env}
     * @throws IOException          if the layers were unpacked in both forms, or an account file cannot be read
     *                              safely (a symlink, not a regular file, over {@value ImageUser#MAX_FILE} bytes)
     */
    public ContainerImage root() throws IOException {
        String name = name();
        String dir = config.workingDir();
        if (!dir.isEmpty() && !dir.startsWith("/")) { // docker refuses it too
            throw new InvalidSpecException("image.workingDir", "image " + name + ": WorkingDir \""
                    + UnpackException.printable(dir) + "\" is not an absolute path");
        }
        boolean userXattr = userXattr();
        LayerStack stack = new LayerStack(name, layers, userXattr);
        return new ContainerImage(name, layers, userXattr, config.entrypoint(), config.cmd(), config.env(),
                dir.isEmpty() ? Optional.empty() : Optional.of(dir),
                ImageUser.resolve(name, config.user(), path -> stack.read(path, ImageUser.MAX_FILE)), stopSignal(),
                pins);
    }

    /** Whether the layers' overlay attributes are {@code user.overlay.*}: all layers in one form, else an error. */
    private boolean userXattr() throws IOException {
        if (rootless.stream().distinct().count() > 1) {
            List<String> forms = new ArrayList<>();
            for (int i = 0; i < digests.size(); i++) {
                forms.add(digests.get(i) + (rootless.get(i) ? " rootless" : " root"));
            }
            throw new IOException("image " + name() + ": its layers were unpacked both as root and rootless ("
                    + String.join(", ", forms) + "): one overlay stacks one form; remove the image, prune, and import "
                    + "it again as one user");
        }
        boolean userXattr = !rootless.isEmpty() && rootless.getFirst();
        if (!userXattr && !layers.isEmpty() && LayerUnpack.unprivileged()) {
            throw new IOException("image " + name() + ": its layers were unpacked as root (trusted.overlay.* "
                    + "attributes): only root reads and stacks them");
        }
        return userXattr;
    }

    private String name() {
        return record.reference().toString();
    }

    @Override
    public String toString() {
        return name() + " (" + layers.size() + " layers)";
    }
}
