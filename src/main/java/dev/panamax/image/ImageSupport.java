package dev.panamax.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The check that the optional libraries image support needs are present at run time. Every entry point of
 * {@code dev.panamax.image} that reads JSON or tar calls it first, so a missing jar gives one clear error
 * instead of a {@link NoClassDefFoundError} deep inside.
 */
public final class ImageSupport {
    /** An optional library: a class it holds, its Maven coordinates, its module name. */
    record Library(String probeClass, String artifact, String module) {
    }

    /** What image support needs; the versions are the pom's (ImageSupportTest checks). */
    static final List<Library> LIBRARIES = List.of(
            new Library("com.fasterxml.jackson.databind.ObjectMapper",
                    "com.fasterxml.jackson.core:jackson-databind:2.23.0", "com.fasterxml.jackson.databind"),
            new Library("org.apache.commons.compress.archivers.tar.TarArchiveInputStream",
                    "org.apache.commons:commons-compress:1.28.0", "org.apache.commons.compress"),
            new Library("io.airlift.compress.zstd.ZstdInputStream", "io.airlift:aircompressor:2.0.3",
                    "aircompressor"));

    private static volatile boolean present;

    private ImageSupport() {
    }

    /**
     * Checks that the optional libraries of image support can be loaded.
     *
     * @throws IllegalStateException naming every missing artifact ({@code groupId:artifactId:version}) and, on
     *                               the module path, the {@code --add-modules} its module needs
     */
    public static void require() {
        if (present) {
            return;
        }
        List<Library> missing = missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(message(missing));
        }
        present = true;
    }

    /** The libraries that cannot be loaded from this module. */
    static List<Library> missing() {
        List<Library> missing = new ArrayList<>();
        for (Library library : LIBRARIES) {
            try {
                Class.forName(library.probeClass(), false, ImageSupport.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                missing.add(library);
            }
        }
        return missing;
    }

    static String message(List<Library> missing) {
        StringBuilder text = new StringBuilder("image support (dev.panamax.image) needs optional dependencies"
                + " of Panamax that are missing at run time: ");
        List<String> modules = new ArrayList<>();
        for (int i = 0; i < missing.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(missing.get(i).artifact());
            modules.add(missing.get(i).module());
        }
        text.append(". Add them as dependencies");
        if (ImageSupport.class.getModule().isNamed()) {
            text.append(" (on the module path, resolved: --add-modules ").append(String.join(",", modules))
                    .append(" or a requires in your module)");
        }
        return text.append('.').toString();
    }
}
