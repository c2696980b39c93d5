package dev.panamax.image;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link ImageSupportTest} in a JVM without the optional jars: calls the entry points that need them and
 * prints what each got, one line each ({@code STORE ...}, {@code UNPACK ...}).
 */
public final class MissingLibraryProbe {
    private MissingLibraryProbe() {
    }

    /**
     * Opens a store in {@code args[0]}, then unpacks an empty layer into the new directory {@code args[1]}.
     *
     * @param args the store's directory, a directory to unpack into
     * @throws Exception if something other than the missing-library error happens
     */
    public static void main(String[] args) throws Exception {
        try {
            ImageStore.open(Path.of(args[0]));
            System.out.println("STORE OPENED");
        } catch (IllegalStateException e) {
            System.out.println("STORE REFUSED: " + e.getMessage());
        }
        Path target = Files.createDirectory(Path.of(args[1]));
        try {
            LayerUnpacker.unpack(new ByteArrayInputStream(new byte[1024]), "sha256:probe", target,
                    UnpackOptions.rootlessDefaults());
            System.out.println("UNPACK DONE");
        } catch (IllegalStateException e) {
            System.out.println("UNPACK REFUSED: " + e.getMessage());
        }
    }
}
