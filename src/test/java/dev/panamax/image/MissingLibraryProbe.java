package dev.panamax.image;

import java.nio.file.Path;

/** Run by {@link ImageSupportTest} in a JVM without the optional jars: opens a store and prints what it got. */
public final class MissingLibraryProbe {
    private MissingLibraryProbe() {
    }

    /**
     * Opens a store in {@code args[0]}.
     *
     * @param args the store's directory
     * @throws Exception if something other than the missing-library error happens
     */
    public static void main(String[] args) throws Exception {
        try {
            ImageStore.open(Path.of(args[0]));
            System.out.println("OPENED");
        } catch (IllegalStateException e) {
            System.out.println("REFUSED: " + e.getMessage());
        }
    }
}
