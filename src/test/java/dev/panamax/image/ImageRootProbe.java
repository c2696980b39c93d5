package dev.panamax.image;

import dev.panamax.ContainerImage;

import java.nio.file.Path;

/**
 * Run as an unprivileged user by {@link ImageRootKernelTest}: opens the store {@code args[0]} as that user, imports
 * the layout {@code args[1]} as {@code args[2]} and prints {@code out:} the root's {@code userXattr} and user, or
 * {@code error:} the failure.
 */
public final class ImageRootProbe {
    private ImageRootProbe() {
    }

    public static void main(String[] args) {
        try {
            ImageStore store = ImageStore.open(Path.of(args[0]));
            store.importLayout(Path.of(args[1]), args[2]);
            ContainerImage root = store.image(ImageReference.parse(args[2])).root();
            System.out.println("out:" + root.userXattr() + " " + root.user());
        } catch (Exception e) {
            System.out.println("error:" + e);
        }
    }
}
